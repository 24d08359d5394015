package dev.kafkarest.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kafkarest.KafkaRest;
import dev.kafkarest.KafkaRestConfig;
import dev.kafkarest.testing.EmbeddedKafka;
import dev.kafkarest.testing.FakeSchemaRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link KafkaRest#health()} against a broker of its own that the test stops and brings back: down within its
 * bound while the broker is away, up again once it returns; the registry's part when one is configured; down
 * once closing.
 */
class HealthTest {
  private static final long TIMEOUT_MS = 1000;
  private static final long CACHE_MS = 200;
  /** Slack for a loaded machine on top of the bound; the bound itself is what is asserted to hold. */
  private static final long SLACK_MS = 3000;
  private static EmbeddedKafka broker;

  @BeforeAll
  static void start() throws Exception {
    broker = new EmbeddedKafka();
  }

  @AfterAll
  static void stop() throws Exception {
    broker.close();
  }

  private static KafkaRestConfig.Builder config() {
    return KafkaRestConfig.builder().bootstrapServers(broker.bootstrapServers())
        .set(KafkaRestConfig.HEALTH_TIMEOUT_MS, Long.toString(TIMEOUT_MS))
        .set(KafkaRestConfig.HEALTH_CACHE_MS, Long.toString(CACHE_MS));
  }

  @Test
  void downWithinItsBoundWhileTheBrokerIsAwayAndUpWhenItReturns() throws Exception {
    try (KafkaRest rest = KafkaRest.create(config().build())) {
      Health up = timedHealth(rest);
      assertTrue(up.isUp(), up.toString());
      Health.Component kafka = up.components().get("kafka");
      assertEquals(1, kafka.details().get("brokers"), up.toString());
      assertNotNull(kafka.details().get("cluster_id"));
      assertNull(up.components().get("schemaRegistry"), "no registry configured, none checked");

      broker.stop();
      Thread.sleep(CACHE_MS + 50); // the result from before the stop is no longer reused
      Health down = timedHealth(rest);
      assertEquals(Health.Status.DOWN, down.status(), down.toString());
      assertEquals(Health.Status.DOWN, down.components().get("kafka").status());
      assertEquals("Kafka did not answer within " + TIMEOUT_MS + " ms",
          down.components().get("kafka").details().get("error"), down.toString());

      broker.restart();
      long deadline = System.nanoTime() + 60_000_000_000L;
      Health back;
      do {
        back = timedHealth(rest);
      } while (!back.isUp() && System.nanoTime() < deadline);
      assertTrue(back.isUp(), back.toString());
    }
  }

  @Test
  void resultsAreReusedForTheCacheTime() {
    try (KafkaRest rest = KafkaRest.create(config().set(KafkaRestConfig.HEALTH_CACHE_MS, "60000").build())) {
      Health first = rest.health();
      // The very same result: the second call did not ask Kafka again.
      assertSame(first.components().get("kafka"), rest.health().components().get("kafka"));
    }
    try (KafkaRest rest = KafkaRest.create(config().set(KafkaRestConfig.HEALTH_CACHE_MS, "0").build())) {
      assertNotSame(rest.health().components().get("kafka"), rest.health().components().get("kafka"));
    }
  }

  @Test
  void theRegistryCountsWhenConfigured() throws Exception {
    try (FakeSchemaRegistry registry = new FakeSchemaRegistry().start();
         KafkaRest rest = KafkaRest.create(config().schemaRegistryUrl(registry.url()).build())) {
      Health health = timedHealth(rest);
      assertTrue(health.isUp(), health.toString());
      assertEquals(Health.Status.UP, health.components().get("schemaRegistry").status());
    }
    try (KafkaRest rest = KafkaRest.create(config().schemaRegistryUrl("http://127.0.0.1:" + closedPort()).build())) {
      Health health = timedHealth(rest);
      assertEquals(Health.Status.DOWN, health.status(), health.toString());
      assertEquals(Health.Status.UP, health.components().get("kafka").status());
      assertEquals(Health.Status.DOWN, health.components().get("schemaRegistry").status());
      assertEquals("Schema Registry is unreachable", health.components().get("schemaRegistry").details().get("error"));
    }
  }

  @Test
  void jacksonWritesItInSpringBootsShape() throws Exception {
    Health health = Health.of(java.util.Map.of("kafka", Health.Component.down("Kafka did not answer within 5 ms")));
    assertEquals("{\"status\":\"DOWN\",\"components\":{\"kafka\":{\"status\":\"DOWN\","
        + "\"details\":{\"error\":\"Kafka did not answer within 5 ms\"}}}}",
        dev.kafkarest.http.Json.MAPPER.writeValueAsString(health));
  }

  @Test
  void downOnceClosing() {
    KafkaRest rest = KafkaRest.create(config().build());
    assertTrue(rest.health().isUp());
    rest.close();
    Health closed = rest.health();
    assertFalse(closed.isUp());
    assertEquals("closing", closed.components().get("proxy").details().get("error"));
  }

  /** health() within its timeout (plus the extra it allows an admin call, plus slack for a loaded machine). */
  private static Health timedHealth(KafkaRest rest) {
    long start = System.nanoTime();
    Health health = rest.health();
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertTrue(millis <= TIMEOUT_MS + 500 + SLACK_MS, "health() took " + millis + " ms");
    return health;
  }

  private static int closedPort() throws Exception {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      return s.getLocalPort();
    }
  }
}
