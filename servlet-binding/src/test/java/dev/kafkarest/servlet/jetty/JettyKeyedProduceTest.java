package dev.kafkarest.servlet.jetty;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kafkarest.KafkaRest;
import dev.kafkarest.KafkaRestConfig;
import dev.kafkarest.servlet.KafkaRestServlet;
import dev.kafkarest.testing.SharedKafka;
import dev.kafkarest.testing.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Idempotency-Key over real HTTP: the header reaches the core, the replayed answer and its header come back. */
@ExtendWith(SharedKafka.class)
class JettyKeyedProduceTest {
  @Test
  void aRetryOverHttpGetsTheSameBytes() throws Exception {
    KafkaRestConfig config = KafkaRestConfig.builder().bootstrapServers(SharedKafka.bootstrapServers())
        .set(KafkaRestConfig.IDEMPOTENCY_TOPIC, "_idem_jetty_" + System.nanoTime())
        .set(KafkaRestConfig.IDEMPOTENCY_TOPIC_PARTITIONS, "1")
        .build();
    String topic = Topics.create(SharedKafka.bootstrapServers(), 1, "jetty-keyed-");
    try (KafkaRest rest = KafkaRest.create(config);
         JettyServer jetty = new JettyServer("/app", "/kafka/*", new KafkaRestServlet(rest))) {
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
      HttpResponse<byte[]> first = http.send(post(jetty, topic, "{\"records\":[{\"value\":\"a\"}]}"),
          HttpResponse.BodyHandlers.ofByteArray());
      HttpResponse<byte[]> again = http.send(post(jetty, topic, "{\"records\":[{\"value\":\"a\"}]}"),
          HttpResponse.BodyHandlers.ofByteArray());
      HttpResponse<String> other = http.send(post(jetty, topic, "{\"records\":[{\"value\":\"b\"}]}"),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, first.statusCode(), new String(first.body()));
      assertEquals(Optional.empty(), first.headers().firstValue("Idempotent-Replayed"));
      assertEquals(200, again.statusCode());
      assertEquals(Optional.of("true"), again.headers().firstValue("Idempotent-Replayed"));
      assertArrayEquals(first.body(), again.body());
      assertEquals(422, other.statusCode(), other.body());
      assertTrue(other.body().contains("42210"), other.body());
    }
  }

  /** A keyed v3 stream sent chunked: one key for the body, the answer lines replayed byte for byte. */
  @Test
  void aKeyedStreamOverHttpIsAnsweredOnceAndReplayed() throws Exception {
    KafkaRestConfig config = KafkaRestConfig.builder().bootstrapServers(SharedKafka.bootstrapServers())
        .set(KafkaRestConfig.IDEMPOTENCY_TOPIC, "_idem_jetty_stream_" + System.nanoTime())
        .set(KafkaRestConfig.IDEMPOTENCY_TOPIC_PARTITIONS, "1")
        .build();
    String topic = Topics.create(SharedKafka.bootstrapServers(), 1, "jetty-keyed-stream-");
    String body = "{\"value\":{\"type\":\"STRING\",\"data\":\"s1\"}}\n"
        + "{\"value\":{\"type\":\"STRING\",\"data\":\"s2\"}}\n";
    try (KafkaRest rest = KafkaRest.create(config);
         JettyServer jetty = new JettyServer("/app", "/kafka/*", new KafkaRestServlet(rest))) {
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
      HttpResponse<String> first = http.send(stream(jetty, topic, body), HttpResponse.BodyHandlers.ofString());
      HttpResponse<String> again = http.send(stream(jetty, topic, body), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, first.statusCode(), first.body());
      assertEquals(Optional.of("application/json"), first.headers().firstValue("Content-Type"));
      String[] lines = first.body().split("\r\n");
      assertEquals(2, lines.length, first.body());
      assertTrue(lines[0].contains("\"offset\":0") && lines[1].contains("\"offset\":1"), first.body());
      assertEquals(200, again.statusCode());
      assertEquals(Optional.of("true"), again.headers().firstValue("Idempotent-Replayed"));
      assertEquals(first.body(), again.body());
    }
  }

  private static HttpRequest stream(JettyServer jetty, String topic, String body) {
    byte[] bytes = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    return HttpRequest.newBuilder(URI.create(jetty.mount() + "/v3/clusters/c/topics/" + topic + "/records"))
        .timeout(Duration.ofSeconds(60))
        .header("Content-Type", "application/json")
        .header("Idempotency-Key", "stream-1")
        // no length: sent chunked, as a stream is
        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(bytes)))
        .build();
  }

  private static HttpRequest post(JettyServer jetty, String topic, String body) {
    return HttpRequest.newBuilder(URI.create(jetty.mount() + "/topics/" + topic))
        .timeout(Duration.ofSeconds(60))
        .header("Content-Type", "application/vnd.kafka.json.v2+json")
        .header("Idempotency-Key", "\"http-1\"")
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
  }
}
