package dev.kafkarest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kafkarest.http.MediaTypes;
import dev.kafkarest.testing.DirectCalls;
import dev.kafkarest.testing.DirectCalls.Reply;
import dev.kafkarest.testing.EmbeddedKafka;
import dev.kafkarest.testing.TestCertificates;
import dev.kafkarest.testing.Topics;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code client.*} security settings reach every Kafka client: the proxy produces and consumes through a SASL/PLAIN
 * listener and through a TLS listener (certificates made in the test), and bad credentials answer 401/40101
 * promptly instead of hanging.
 */
class SecureKafkaTest {
  private static final String JAAS = "org.apache.kafka.common.security.plain.PlainLoginModule required "
      + "username=\"%s\" password=\"%s\";";
  private static EmbeddedKafka broker;
  private static TestCertificates certs;
  private static String topic;

  @BeforeAll
  static void start() throws Exception {
    certs = TestCertificates.generate();
    broker = new EmbeddedKafka(Map.of(
        "sasl.enabled.mechanisms", "PLAIN",
        "listener.name.sasl_plaintext.plain.sasl.jaas.config",
        "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"admin\" "
            + "password=\"admin-secret\" user_admin=\"admin-secret\" user_alice=\"alice-secret\";",
        "listener.name.ssl.ssl.keystore.location", certs.keystore().toString(),
        "listener.name.ssl.ssl.keystore.password", certs.password(),
        "listener.name.ssl.ssl.key.password", certs.password(),
        "listener.name.ssl.ssl.keystore.type", "PKCS12"), List.of("SASL_PLAINTEXT", "SSL"));
    topic = Topics.create(broker.bootstrapServers(), 1);
  }

  @AfterAll
  static void stop() throws Exception {
    try (TestCertificates made = certs) {
      if (broker != null) {
        broker.close();
      }
    }
  }

  private static KafkaRestConfig sasl(String password) {
    return KafkaRestConfig.builder().bootstrapServers(broker.bootstrapServers("SASL_PLAINTEXT"))
        .set("client.security.protocol", "SASL_PLAINTEXT")
        .set("client.sasl.mechanism", "PLAIN")
        .set("client.sasl.jaas.config", String.format(JAAS, "alice", password))
        .build();
  }

  private static KafkaRestConfig.Builder ssl() {
    return KafkaRestConfig.builder().bootstrapServers(broker.bootstrapServers("SSL"))
        .set("client.security.protocol", "SSL");
  }

  @Test
  void producesAndConsumesOverSaslPlain() {
    try (KafkaRest rest = KafkaRest.create(sasl("alice-secret"))) {
      roundTrip(new DirectCalls(rest), "sasl");
    }
  }

  @Test
  void producesAndConsumesOverTls() {
    KafkaRestConfig config = ssl()
        .set("client.ssl.truststore.location", certs.truststore().toString())
        .set("client.ssl.truststore.password", certs.password())
        .set("client.ssl.truststore.type", "PKCS12")
        .build();
    try (KafkaRest rest = KafkaRest.create(config)) {
      roundTrip(new DirectCalls(rest), "tls");
    }
  }

  @Test
  void wrongSaslPasswordAnswers401Promptly() {
    try (KafkaRest rest = KafkaRest.create(sasl("wrong"))) {
      assertRefused(new DirectCalls(rest), "secret");
    }
  }

  @Test
  void untrustedBrokerCertificateAnswers401Promptly() {
    try (KafkaRest rest = KafkaRest.create(ssl().build())) {
      assertRefused(new DirectCalls(rest), "PKIX");
    }
  }

  private static void roundTrip(DirectCalls calls, String group) {
    Reply produced = calls.post("/topics/" + topic, MediaTypes.JSON_V2, "{\"records\":[{\"value\":\"" + group + "\"}]}");
    assertEquals(200, produced.status(), produced.body());
    assertTrue(produced.json().get("offsets").get(0).get("error_code").isNull(), produced.body());
    assertEquals(200, calls.get("/topics/" + topic).status());
    calls.post("/consumers/" + group, MediaTypes.V2, "{\"name\":\"c\",\"format\":\"json\",\"auto.offset.reset\":\"earliest\"}");
    String path = "/consumers/" + group + "/instances/c";
    calls.post(path + "/subscription", MediaTypes.V2, "{\"topics\":[\"" + topic + "\"]}");
    boolean seen = false;
    long deadline = System.currentTimeMillis() + 20_000;
    while (!seen && System.currentTimeMillis() < deadline) {
      Reply r = calls.call("GET", path + "/records?timeout=500", null, null, "Accept", MediaTypes.JSON_V2);
      assertEquals(200, r.status(), r.body());
      for (JsonNode record : r.json()) {
        seen |= record.get("value").asText().equals(group);
      }
    }
    assertTrue(seen, "read back what was produced through " + group);
    assertEquals(204, calls.call("DELETE", path, null, null).status());
  }

  private static void assertRefused(DirectCalls calls, String reasonHint) {
    long start = System.nanoTime();
    Reply produced = calls.post("/topics/" + topic, MediaTypes.JSON_V2, "{\"records\":[{\"value\":1}]}");
    Reply metadata = calls.get("/topics");
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertEquals(401, produced.status(), produced.body());
    assertEquals(40101, produced.json().get("offsets").get(0).get("error_code").asInt(), produced.body());
    assertEquals(401, metadata.status(), metadata.body());
    assertEquals(40101, metadata.json().get("error_code").asInt(), metadata.body());
    assertTrue(millis < 10_000, "refused after " + millis + " ms");
    assertTrue(!produced.body().contains("alice-secret") && !produced.body().contains("jaas"), produced.body());
  }
}
