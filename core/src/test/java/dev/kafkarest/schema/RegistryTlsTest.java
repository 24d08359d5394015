package dev.kafkarest.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kafkarest.KafkaRestConfig;
import dev.kafkarest.testing.FakeSchemaRegistry;
import dev.kafkarest.testing.TestCertificates;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A registry behind a private CA: trusted through schema.registry.ssl.truststore.*, refused without it. */
class RegistryTlsTest {
  @TempDir
  Path dir;

  @Test
  void truststoreFromConfigIsUsed() throws Exception {
    try (TestCertificates certs = TestCertificates.generate();
         FakeSchemaRegistry registry = new FakeSchemaRegistry().start(0, serverTls(certs))) {
      int id = registry.register("s", "AVRO", "\"string\"");
      KafkaRestConfig.Builder config = KafkaRestConfig.builder().bootstrapServers("127.0.0.1:1")
          .schemaRegistryUrl(registry.url()).set(RegistrySettings.REQUEST_TIMEOUT_MS, "3000");

      SchemaRegistryClient untrusting = new SchemaRegistryClient(RegistrySettings.from(config.build()));
      ExecutionException refused = assertThrows(ExecutionException.class,
          () -> untrusting.schemaById(id).get(10, TimeUnit.SECONDS));
      SchemaRegistryException e = assertInstanceOf(SchemaRegistryException.class, refused.getCause());
      assertEquals(0, e.httpStatus());
      assertEquals("TLS handshake with Schema Registry failed", e.getMessage());

      config.set("schema.registry.ssl.truststore.location", certs.truststore().toString())
          .set("schema.registry.ssl.truststore.password", certs.password())
          .set("schema.registry.ssl.truststore.type", "PKCS12");
      SchemaRegistryClient trusting = new SchemaRegistryClient(RegistrySettings.from(config.build()));
      assertEquals("\"string\"", trusting.schemaById(id).get(10, TimeUnit.SECONDS).schema());
    }

    KafkaRestConfig missing = KafkaRestConfig.builder().bootstrapServers("127.0.0.1:1")
        .schemaRegistryUrl("https://127.0.0.1:1")
        .set("schema.registry.ssl.truststore.location", dir.resolve("absent.p12").toString()).build();
    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
        () -> new SchemaRegistryClient(RegistrySettings.from(missing)));
    assertEquals("schema.registry.ssl.truststore.* could not be loaded", bad.getMessage());
  }

  private static SSLContext serverTls(TestCertificates certs) throws Exception {
    KeyStore keys = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(certs.keystore())) {
      keys.load(in, certs.password().toCharArray());
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, certs.password().toCharArray());
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(kmf.getKeyManagers(), null, null);
    return tls;
  }
}
