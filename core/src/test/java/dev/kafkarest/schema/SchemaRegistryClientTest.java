package dev.kafkarest.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kafkarest.KafkaRestConfig;
import dev.kafkarest.testing.FakeSchemaRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The registry client against the fake registry: caching, failover, timeouts, auth. No broker needed. */
class SchemaRegistryClientTest {
  static final RegistrySchema STRING = RegistrySchema.of("AVRO", "\"string\"");
  FakeSchemaRegistry registry;

  @BeforeEach
  void start() throws IOException {
    registry = new FakeSchemaRegistry().start();
  }

  @AfterEach
  void stop() {
    registry.close();
  }

  static <T> Throwable failure(CompletableFuture<T> future) {
    ExecutionException e = assertThrows(ExecutionException.class, () -> future.get(20, TimeUnit.SECONDS));
    return e.getCause();
  }

  /** A port nobody listens on: connections are refused at once. */
  static String closedUrl() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return "http://127.0.0.1:" + s.getLocalPort();
    }
  }

  @Test
  void lookupOrRegisterThenEverythingComesFromTheCache() throws Exception {
    SchemaRegistryClient client = new SchemaRegistryClient(RegistrySettings.of(registry.url(), Duration.ofSeconds(5)));
    int id = client.lookupOrRegister("s-value", STRING).get();
    assertEquals(2, registry.callCount(), "lookup (404) then register");
    assertEquals(id, client.lookupOrRegister("s-value", STRING).get());
    assertEquals(id, client.lookup("s-value", STRING).get());
    assertEquals(STRING, client.schemaById(id).get());
    assertEquals(STRING, client.schemaById(id).get());
    assertEquals(3, registry.callCount(), "only the first fetch by id went out");
    assertEquals(1, client.version("s-value", 1).get().version());
    assertEquals(id, client.latest("s-value").get().id());
  }

  @Test
  void concurrentColdLookupsShareOneCall() throws Exception {
    int id = registry.register("s", "AVRO", "\"string\"");
    registry.setDelayMillis(200);
    SchemaRegistryClient client = new SchemaRegistryClient(RegistrySettings.of(registry.url(), Duration.ofSeconds(5)));
    java.util.List<CompletableFuture<RegistrySchema>> all = new java.util.ArrayList<>();
    for (int i = 0; i < 50; i++) {
      all.add(client.schemaById(id));
    }
    for (CompletableFuture<RegistrySchema> f : all) {
      assertEquals(STRING, f.get(10, TimeUnit.SECONDS));
    }
    assertEquals(1, registry.callCount());
  }

  @Test
  void notFoundCarriesTheRegistryCodeAndIsNotCached() throws Exception {
    SchemaRegistryClient client = new SchemaRegistryClient(RegistrySettings.of(registry.url(), Duration.ofSeconds(5)));
    SchemaRegistryException e = assertInstanceOf(SchemaRegistryException.class, failure(client.schemaById(77)));
    assertEquals(404, e.httpStatus());
    assertEquals(40403, e.errorCode());
    SchemaRegistryException subject = assertInstanceOf(SchemaRegistryException.class,
        failure(client.lookup("nobody", STRING)));
    assertEquals(40401, subject.errorCode());
    int id = registry.register("later", "AVRO", "\"string\"");
    assertEquals(STRING, client.schemaById(id).get(), "a failure is not cached");
  }

  @Test
  void unreachableRegistryFailsFastAndTheNextUrlIsTried() throws Exception {
    String closed = closedUrl();
    SchemaRegistryClient down = new SchemaRegistryClient(RegistrySettings.of(closed, Duration.ofSeconds(5)));
    long start = System.nanoTime();
    SchemaRegistryException e = assertInstanceOf(SchemaRegistryException.class, failure(down.schemaById(1)));
    assertEquals(0, e.httpStatus());
    assertEquals("Schema Registry is unreachable", e.getMessage());
    assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5));

    int id = registry.register("s", "AVRO", "\"string\"");
    SchemaRegistryClient failover =
        new SchemaRegistryClient(RegistrySettings.of(closed + ", " + registry.url(), Duration.ofSeconds(5)));
    assertEquals(STRING, failover.schemaById(id).get(10, TimeUnit.SECONDS));
  }

  @Test
  void slowRegistryTimesOutWithinTheBound() {
    registry.setDelayMillis(3000);
    SchemaRegistryClient client = new SchemaRegistryClient(RegistrySettings.of(registry.url(), Duration.ofMillis(300)));
    long start = System.nanoTime();
    SchemaRegistryException e = assertInstanceOf(SchemaRegistryException.class, failure(client.schemaById(1)));
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertTrue(e.getMessage().contains("did not answer within 300 ms"), e.getMessage());
    assertTrue(ms < 2000, "took " + ms + " ms");
  }

  @Test
  void basicAuthFromConfig() throws Exception {
    registry.requireBasicAuth("alice", "s3cret");
    int id = registry.register("s", "AVRO", "\"string\"");
    KafkaRestConfig.Builder config = KafkaRestConfig.builder().bootstrapServers("127.0.0.1:1")
        .schemaRegistryUrl(registry.url());
    SchemaRegistryClient anonymous = new SchemaRegistryClient(RegistrySettings.from(config.build()));
    SchemaRegistryException e = assertInstanceOf(SchemaRegistryException.class, failure(anonymous.schemaById(id)));
    assertEquals(401, e.httpStatus());

    config.set("schema.registry.basic.auth.credentials.source", "USER_INFO")
        .set("schema.registry.basic.auth.user.info", "alice:s3cret");
    RegistrySettings settings = RegistrySettings.from(config.build());
    assertTrue(!settings.toString().contains("s3cret"));
    assertEquals(STRING, new SchemaRegistryClient(settings).schemaById(id).get(10, TimeUnit.SECONDS));
  }

  @Test
  void settingsValidation() {
    KafkaRestConfig.Builder config = KafkaRestConfig.builder().bootstrapServers("127.0.0.1:1");
    assertTrue(!RegistrySettings.isConfigured(config.build()));
    assertThrows(IllegalArgumentException.class,
        () -> RegistrySettings.from(config.schemaRegistryUrl("ftp://x").build()));
    assertThrows(IllegalArgumentException.class, () -> RegistrySettings.from(config.schemaRegistryUrl("http://x")
        .set(RegistrySettings.REQUEST_TIMEOUT_MS, "soon").build()));
    RegistrySettings two = RegistrySettings.from(config.schemaRegistryUrl("http://a:1/, http://b:2")
        .set(RegistrySettings.REQUEST_TIMEOUT_MS, "750").build());
    assertEquals(2, two.urls().size());
    assertEquals("http://a:1", two.urls().get(0).toString());
    assertEquals(Duration.ofMillis(750), two.timeout());
  }
}
