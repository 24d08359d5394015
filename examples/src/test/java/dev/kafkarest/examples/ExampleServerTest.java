package dev.kafkarest.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kafkarest.http.MediaTypes;
import dev.kafkarest.testing.HttpCalls;
import dev.kafkarest.testing.TestCertificates;
import java.net.http.HttpClient;
import java.security.KeyStore;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.UncheckedIOException;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** Smoke test of the runnable example: embedded broker, Jetty on a free port, the proxy under /kafka. */
class ExampleServerTest {
  @Test
  void servesHttpsWithTheClassicKeystoreKeys() throws Exception {
    try (TestCertificates certs = TestCertificates.generate()) {
      servesHttps(certs);
    }
  }

  private static void servesHttps(TestCertificates certs) throws Exception {
    Properties props = new Properties();
    props.setProperty("listeners", "https://127.0.0.1:0");
    props.setProperty("ssl.keystore.location", certs.keystore().toString());
    props.setProperty("ssl.keystore.password", certs.password());
    props.setProperty("ssl.keystore.type", "PKCS12");
    try (ExampleServer server = ExampleServer.start(props)) {
      assertTrue(server.baseUri().toString().startsWith("https://127.0.0.1:"), server.baseUri()::toString);
      KeyStore trust = KeyStore.getInstance("PKCS12");
      try (var in = java.nio.file.Files.newInputStream(certs.truststore())) {
        trust.load(in, certs.password().toCharArray());
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext tls = SSLContext.getInstance("TLS");
      tls.init(null, tmf.getTrustManagers(), null);
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(tls).build();
      HttpCalls https = new HttpCalls(server.baseUri(), client);
      assertEquals(200, https.get("/topics").status());
      HttpCalls.Reply created = https.post("/consumers/g", MediaTypes.V2, "{\"name\":\"c\"}");
      assertTrue(created.json().get("base_uri").asText().startsWith("https://"), created::toString);
      HttpClient untrusting = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      assertThrows(UncheckedIOException.class, () -> new HttpCalls(server.baseUri(), untrusting).get("/topics"));
    }
  }

  @Test
  void servesAnInMemorySchemaRegistryForAvroTrials() throws Exception {
    Properties props = new Properties();
    props.setProperty("listeners", "http://127.0.0.1:0");
    try (ExampleServer server = ExampleServer.start(props)) {
      HttpCalls http = new HttpCalls(server.baseUri());
      String schema = "{\\\"type\\\":\\\"record\\\",\\\"name\\\":\\\"Order\\\",\\\"fields\\\":["
          + "{\\\"name\\\":\\\"item\\\",\\\"type\\\":\\\"string\\\"},"
          + "{\\\"name\\\":\\\"qty\\\",\\\"type\\\":\\\"int\\\"}]}";
      HttpCalls.Reply produced = http.post("/topics/orders-avro", MediaTypes.AVRO_V2,
          "{\"value_schema\":\"" + schema + "\",\"records\":[{\"value\":{\"item\":\"book\",\"qty\":1}}]}");
      assertEquals(200, produced.status(), produced::toString);
      assertEquals(1, produced.json().get("value_schema_id").asInt(), produced::toString);
      http.post("/consumers/avro-readers", MediaTypes.V2,
          "{\"name\":\"r\",\"format\":\"avro\",\"auto.offset.reset\":\"earliest\"}");
      http.post("/consumers/avro-readers/instances/r/subscription", MediaTypes.V2, "{\"topics\":[\"orders-avro\"]}");
      JsonNode records = null;
      long deadline = System.currentTimeMillis() + 20_000;
      while ((records == null || records.isEmpty()) && System.currentTimeMillis() < deadline) {
        records = http.get("/consumers/avro-readers/instances/r/records", "Accept", MediaTypes.AVRO_V2).json();
      }
      assertEquals("{\"item\":\"book\",\"qty\":1}", records.get(0).get("value").toString());
    }
  }

  @Test
  void servesTheProxyUnderKafkaWithAnEmbeddedBroker() throws Exception {
    Properties props = new Properties();
    props.setProperty("listeners", "http://127.0.0.1:0");
    HttpCalls http;
    try (ExampleServer server = ExampleServer.start(props)) {
      assertTrue(server.baseUri().toString().matches("http://127\\.0\\.0\\.1:\\d+/kafka"), server.baseUri()::toString);
      http = new HttpCalls(server.baseUri());
      assertEquals(200, http.get("/topics").status());
      // Topic auto-creation is on in the embedded broker, as a first curl session expects.
      HttpCalls.Reply produced = http.post("/topics/example", MediaTypes.JSON_V2, "{\"records\":[{\"value\":{\"hi\":1}}]}");
      assertEquals(200, produced.status(), produced::toString);
      JsonNode offset = produced.json().get("offsets").get(0);
      assertEquals(0, offset.get("offset").asLong(), produced::toString);
      assertEquals("[\"example\"]", http.get("/topics").body());
    }
    HttpCalls closed = http;
    assertThrows(UncheckedIOException.class, () -> closed.get("/topics"), "Jetty should be stopped");
  }
}
