package dev.kafkarest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kafkarest.http.MediaTypes;
import dev.kafkarest.testing.DirectCalls;
import dev.kafkarest.testing.DirectCalls.Reply;
import dev.kafkarest.testing.SharedKafka;
import dev.kafkarest.testing.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** v2 metadata and produce against a real broker, through {@link KafkaRest#handle} with no socket. */
@ExtendWith(SharedKafka.class)
class ProduceAndMetadataTest {
  private static KafkaRest rest;
  private static DirectCalls calls;
  private static Admin admin;

  @BeforeAll
  static void start() throws Exception {
    rest = KafkaRest.create(KafkaRestConfig.builder().bootstrapServers(SharedKafka.bootstrapServers())
        .requestMaxBytes(64 * 1024).build());
    calls = new DirectCalls(rest);
    admin = Admin.create(Map.of("bootstrap.servers", SharedKafka.bootstrapServers()));
  }

  @AfterAll
  static void stop() {
    rest.close();
    admin.close();
  }

  private static String newTopic(int partitions) throws Exception {
    return Topics.create(SharedKafka.bootstrapServers(), partitions);
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private static List<ConsumerRecord<byte[], byte[]>> readAll(String topic, int partitions, int expected) {
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
        Map.of("bootstrap.servers", SharedKafka.bootstrapServers()),
        new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> tps = new ArrayList<>();
      for (int p = 0; p < partitions; p++) {
        tps.add(new TopicPartition(topic, p));
      }
      consumer.assign(tps);
      consumer.seekToBeginning(tps);
      List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
      long deadline = System.currentTimeMillis() + 15_000;
      while (out.size() < expected && System.currentTimeMillis() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(out::add);
      }
      return out;
    }
  }

  @Test
  void rootAnswersEmptyObject() {
    Reply r = calls.get("/");
    assertEquals(200, r.status());
    assertEquals(MediaTypes.V2, r.contentType());
    assertEquals("{}", r.body());
  }

  @Test
  void listsTopicsWithoutInternalOnes() throws Exception {
    String topic = newTopic(1);
    // make sure __consumer_offsets exists, then check it stays hidden
    readAll(topic, 1, 0);
    JsonNode topics = calls.get("/topics").json();
    List<String> names = new ArrayList<>();
    topics.forEach(n -> names.add(n.asText()));
    assertTrue(names.contains(topic), names.toString());
    assertFalse(names.stream().anyMatch(n -> n.startsWith("__")), names.toString());
  }

  @Test
  void describesTopicPartitionsAndOffsets() throws Exception {
    String topic = newTopic(2);
    JsonNode t = calls.get("/topics/" + topic).json();
    assertEquals(topic, t.get("name").asText());
    assertTrue(t.get("configs").has("cleanup.policy"));
    assertEquals(2, t.get("partitions").size());
    JsonNode p1 = calls.get("/topics/" + topic + "/partitions/1").json();
    assertEquals(1, p1.get("partition").asInt());
    assertEquals(1, p1.get("leader").asInt());
    assertEquals(1, p1.get("replicas").get(0).get("broker").asInt());
    assertTrue(p1.get("replicas").get(0).get("leader").asBoolean());
    assertTrue(p1.get("replicas").get(0).get("in_sync").asBoolean());
    assertEquals(2, calls.get("/topics/" + topic + "/partitions").json().size());

    calls.post("/topics/" + topic + "/partitions/1", MediaTypes.BINARY_V2,
        "{\"records\":[{\"value\":\"" + b64("a") + "\"},{\"value\":\"" + b64("b") + "\"}]}");
    JsonNode offsets = calls.get("/topics/" + topic + "/partitions/1/offsets").json();
    assertEquals(0, offsets.get("beginning_offset").asLong());
    assertEquals(2, offsets.get("end_offset").asLong());
  }

  @Test
  void unknownTopicAndPartition() throws Exception {
    Reply missing = calls.get("/topics/no-such-topic-" + UUID.randomUUID());
    assertEquals(404, missing.status());
    assertEquals(40403, missing.json().get("error_code").asInt());
    String topic = newTopic(1);
    Reply noPartition = calls.get("/topics/" + topic + "/partitions/7");
    assertEquals(404, noPartition.status());
    assertEquals(40402, noPartition.json().get("error_code").asInt());
    assertEquals(40402, calls.get("/topics/" + topic + "/partitions/7/offsets").json().get("error_code").asInt());
    assertEquals(404, calls.get("/topics/" + topic + "/partitions/x").status());
  }

  @Test
  void listsBrokers() {
    JsonNode brokers = calls.get("/brokers").json();
    assertEquals(1, brokers.get("brokers").size());
    assertEquals(1, brokers.get("brokers").get(0).asInt());
  }

  @Test
  void producesBinaryBatchWithKeysPartitionsAndNulls() throws Exception {
    String topic = newTopic(3);
    StringBuilder body = new StringBuilder("{\"records\":[");
    for (int i = 0; i < 100; i++) {
      body.append(i == 0 ? "" : ",").append("{\"key\":\"").append(b64("k" + i)).append("\",\"value\":\"")
          .append(b64("v" + i)).append("\",\"partition\":").append(i % 3).append('}');
    }
    body.append(",{\"value\":null},{\"key\":null}]}");
    Reply r = calls.post("/topics/" + topic, MediaTypes.BINARY_V2 + "; charset=utf-8", body.toString());
    assertEquals(200, r.status(), r.body());
    assertEquals(MediaTypes.V2, r.contentType());
    JsonNode json = r.json();
    assertTrue(json.get("key_schema_id").isNull());
    assertTrue(json.get("value_schema_id").isNull());
    JsonNode offsets = json.get("offsets");
    assertEquals(102, offsets.size());
    for (int i = 0; i < 100; i++) {
      assertEquals(i % 3, offsets.get(i).get("partition").asInt());
      assertTrue(offsets.get(i).get("error_code").isNull());
      assertTrue(offsets.get(i).get("error").isNull());
    }
    List<ConsumerRecord<byte[], byte[]>> read = readAll(topic, 3, 102);
    assertEquals(102, read.size());
    ConsumerRecord<byte[], byte[]> k7 = read.stream()
        .filter(rec -> rec.key() != null && new String(rec.key(), StandardCharsets.UTF_8).equals("k7"))
        .findFirst().orElseThrow();
    assertEquals("v7", new String(k7.value(), StandardCharsets.UTF_8));
    assertEquals(1, k7.partition());
    assertEquals(offsets.get(7).get("offset").asLong(), k7.offset());
    assertEquals(2, read.stream().filter(rec -> rec.key() == null && rec.value() == null).count());
  }

  @Test
  void producesJsonExactlyAsWritten() throws Exception {
    String topic = newTopic(1);
    Reply r = calls.post("/topics/" + topic, MediaTypes.JSON_V2,
        "{\"records\":[{\"key\":{\"id\": 1},\"value\":{\"price\": 12.50, \"tags\": [\"a\", null], \"big\": 123456789012345678901234567890}},"
            + "{\"value\":\"text\"},{\"value\":null}]}");
    assertEquals(200, r.status(), r.body());
    List<ConsumerRecord<byte[], byte[]>> read = readAll(topic, 1, 3);
    assertEquals("{\"id\":1}", new String(read.get(0).key(), StandardCharsets.UTF_8));
    assertEquals("{\"price\":12.50,\"tags\":[\"a\",null],\"big\":123456789012345678901234567890}",
        new String(read.get(0).value(), StandardCharsets.UTF_8));
    assertEquals("\"text\"", new String(read.get(1).value(), StandardCharsets.UTF_8));
    assertNull(read.get(2).value());
  }

  @Test
  void pathPartitionAppliesAndRecordPartitionOverridesIt() throws Exception {
    String topic = newTopic(2);
    JsonNode offsets = calls.post("/topics/" + topic + "/partitions/1", MediaTypes.JSON_V2,
        "{\"records\":[{\"value\":1},{\"value\":2,\"partition\":0}]}").json().get("offsets");
    assertEquals(1, offsets.get(0).get("partition").asInt());
    assertEquals(0, offsets.get(1).get("partition").asInt());
  }

  @Test
  void recordsTheBrokerRefusesGetPerRecordErrorsFast() throws Exception {
    String topic = newTopic(1);
    String big = "\"" + "x".repeat(2_000_000) + "\"";
    KafkaRest bigBodies = KafkaRest.create(KafkaRestConfig.builder()
        .bootstrapServers(SharedKafka.bootstrapServers()).requestMaxBytes(4_000_000).build());
    try {
      long start = System.nanoTime();
      Reply r = new DirectCalls(bigBodies).post("/topics/" + topic, MediaTypes.JSON_V2,
          "{\"records\":[{\"value\":1},{\"value\":" + big + "},{\"value\":2,\"partition\":5}]}");
      long millis = (System.nanoTime() - start) / 1_000_000;
      assertEquals(200, r.status(), r.body());
      JsonNode offsets = r.json().get("offsets");
      assertTrue(offsets.get(0).get("error_code").isNull());
      assertEquals(50002, offsets.get(1).get("error_code").asInt());
      assertTrue(offsets.get(1).get("partition").isNull());
      assertFalse(offsets.get(1).get("error").asText().isEmpty());
      assertEquals(40402, offsets.get(2).get("error_code").asInt());
      assertTrue(millis < 10_000, "took " + millis + " ms");
    } finally {
      bigBodies.close();
    }
  }

  /**
   * A record over its topic's max.message.bytes, sent with others: refused on its own, at once. Handed to the Kafka
   * producer, it would share a batch the broker refuses, which the producer splits into the same batch and retries
   * until delivery.timeout.ms (30 s here), then fails every record of it as expired (50003).
   */
  @Test
  void aRecordOverItsTopicsMaxMessageBytesIsRefusedAloneAndAtOnce() throws Exception {
    String topic = Topics.create(SharedKafka.bootstrapServers(), 1, "small-", Map.of("max.message.bytes", "1024"));
    Reply r = calls.post("/topics/" + topic, MediaTypes.JSON_V2,
        "{\"records\":[{\"value\":\"a\"},{\"value\":\"" + "y".repeat(2000) + "\"},{\"value\":\"b\"}]}");
    assertEquals(200, r.status(), r.body());
    JsonNode offsets = r.json().get("offsets");
    assertTrue(offsets.get(0).get("error_code").isNull(), r.body());
    assertEquals(50002, offsets.get(1).get("error_code").asInt(), r.body());
    assertTrue(offsets.get(1).get("error").asText().contains("max.message.bytes (1024)"), r.body());
    assertTrue(offsets.get(2).get("error_code").isNull(), r.body());
    List<ConsumerRecord<byte[], byte[]>> written = readAll(topic, 1, 2);
    assertEquals(List.of("\"a\"", "\"b\""),
        written.stream().map(c -> new String(c.value(), StandardCharsets.UTF_8)).toList());
    // Records that only together exceed the limit are all written: the producer's split of their batch converges.
    String fourHundred = "{\"value\":\"" + "z".repeat(400) + "\"}";
    Reply together = calls.post("/topics/" + topic, MediaTypes.JSON_V2,
        "{\"records\":[" + String.join(",", fourHundred, fourHundred, fourHundred, fourHundred) + "]}");
    assertEquals(200, together.status(), together.body());
    together.json().get("offsets").forEach(o -> assertTrue(o.get("error_code").isNull(), together.body()));
  }

  @Test
  void badInputGetsClearClientErrors() throws Exception {
    String topic = newTopic(1);
    String path = "/topics/" + topic;
    assertError(calls.post(path, MediaTypes.BINARY_V2, "{\"records\":[{\"value\":\"###\"}]}"), 400, 400);
    assertError(calls.post(path, MediaTypes.BINARY_V2, "{\"records\":[{\"value\":12}]}"), 400, 400);
    assertError(calls.post(path, MediaTypes.JSON_V2, "{\"records\":[{\"value\":1}"), 400, 400);
    assertError(calls.post(path, MediaTypes.JSON_V2, "{\"records\":[]}"), 422, 422);
    assertError(calls.post(path, MediaTypes.JSON_V2, "{}"), 422, 422);
    assertError(calls.post(path, MediaTypes.JSON_V2, ""), 422, 422);
    assertError(calls.post(path, MediaTypes.JSON_V2, "{\"records\":[{\"value\":1,\"color\":2}]}"), 422, 422);
    assertError(calls.post(path, MediaTypes.JSON_V2, "{\"recs\":[]}"), 422, 422);
    assertError(calls.post(path, MediaTypes.JSON_V2, "{\"records\":[{\"partition\":\"0\"}]}"), 400, 400);
    assertError(calls.post(path, MediaTypes.JSON_V2, "[1]"), 400, 400);
    assertError(calls.post(path, "text/plain", "{\"records\":[{\"value\":1}]}"), 415, 415);
    assertError(calls.post(path, MediaTypes.V2, "{\"records\":[{\"value\":1}]}"), 415, 415);
    assertError(calls.post(path, null, "{\"records\":[{\"value\":1}]}"), 415, 415);
    assertError(calls.call("DELETE", path, null, null), 405, 405);
    assertError(calls.get("/nothing/here"), 404, 404);
    assertError(calls.call("GET", "/topics", null, null, "Accept", "text/html"), 406, 406);
    String tooLarge = "{\"records\":[{\"value\":\"" + "y".repeat(70_000) + "\"}]}";
    assertError(calls.post(path, MediaTypes.JSON_V2, tooLarge), 413, 413);
    assertEquals(0, readAll(topic, 1, 0).size(), "a rejected request wrote nothing");
  }

  @Test
  void recordsPerRequestLimit() throws Exception {
    String topic = newTopic(1);
    try (KafkaRest limited = KafkaRest.create(KafkaRestConfig.builder()
        .bootstrapServers(SharedKafka.bootstrapServers()).set("produce.max.records", "3").build())) {
      DirectCalls c = new DirectCalls(limited);
      Reply four = c.post("/topics/" + topic, MediaTypes.JSON_V2, "{\"records\":[{\"value\":1},{\"value\":2},{\"value\":3},{\"value\":4}]}");
      assertError(four, 422, 422);
      assertTrue(four.json().get("message").asText().contains("limit is 3"), four.body());
      assertEquals(0, readAll(topic, 1, 0).size(), "nothing of a refused request is written");
      assertEquals(200, c.post("/topics/" + topic, MediaTypes.JSON_V2, "{\"records\":[{\"value\":1},{\"value\":2},{\"value\":3}]}").status());
    }
  }

  @Test
  void bodyOverTheLimitIsRefusedWithoutContentLength() throws Exception {
    String topic = newTopic(1);
    byte[] body = ("{\"records\":[{\"value\":\"" + "y".repeat(70_000) + "\"}]}").getBytes(StandardCharsets.UTF_8);
    var response = rest.handle(dev.kafkarest.http.RestRequest.builder("POST", "/topics/" + topic)
            .headers(dev.kafkarest.http.Headers.of("Content-Type", MediaTypes.JSON_V2, "Transfer-Encoding", "chunked"))
            .body(new java.io.ByteArrayInputStream(body)).build())
        .toCompletableFuture().get();
    assertEquals(413, response.status());
  }

  @Test
  void acceptNegotiation() {
    assertEquals(200, calls.call("GET", "/topics", null, null, "Accept", "*/*").status());
    assertEquals(200, calls.call("GET", "/topics", null, null, "Accept", "application/*").status());
    assertEquals(200, calls.call("GET", "/topics", null, null, "Accept", MediaTypes.V2).status());
    assertEquals(406, calls.call("GET", "/topics", null, null, "Accept", MediaTypes.JSON).status());
  }

  private static void assertError(Reply reply, int status, int errorCode) {
    assertEquals(status, reply.status(), reply.body());
    JsonNode json = reply.json();
    assertEquals(errorCode, json.get("error_code").asInt(), reply.body());
    assertTrue(json.get("message").isTextual());
    assertFalse(json.get("message").asText().contains("Exception"), reply.body());
    assertFalse(json.get("message").asText().contains("dev.kafkarest"), reply.body());
  }

  @Test
  void unknownQueryOrOddMethodsDoNotBreakIt() {
    Set<String> methods = Set.of("PUT", "PATCH", "OPTIONS", "TRACE", "FOO");
    for (String m : methods) {
      assertEquals(405, calls.call(m, "/topics", null, null).status(), m);
    }
    Reply head = calls.call("HEAD", "/topics", null, null);
    assertEquals(200, head.status(), "HEAD is GET without the body, as JAX-RS runtimes answer it");
    assertEquals("", head.body());
    assertEquals(MediaTypes.V2, head.contentType());
    assertEquals(405, calls.call("HEAD", "/consumers/g/instances/i/records", null, null).status(),
        "HEAD on records would consume them and throw them away");
  }
}
