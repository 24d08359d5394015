package dev.kafkarest.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kafkarest.KafkaRest;
import dev.kafkarest.KafkaRestConfig;
import dev.kafkarest.http.MediaTypes;
import dev.kafkarest.testing.HttpCalls.Reply;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The wire contract every binding and container must keep, driven over real HTTP against the real broker.
 * A subclass mounts the given proxy in its container and returns the absolute URL of the mount; the contract
 * owns the proxy and closes it after {@link #unmount()}.
 */
@ExtendWith(SharedKafka.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ProxyContract {
  /** Small enough that the 413 tests stay cheap. */
  protected static final int REQUEST_MAX_BYTES = 64 * 1024;

  private static final String BINARY = MediaTypes.BINARY_V2;
  private static final String JSON = MediaTypes.JSON_V2;

  private KafkaRest rest;
  private Admin admin;
  protected HttpCalls http;
  private String topic;

  /** Starts the container with {@code rest} mounted; returns e.g. {@code http://127.0.0.1:<port>/app/kafka}. */
  protected abstract URI mount(KafkaRest rest) throws Exception;

  /** Stops the container. */
  protected abstract void unmount() throws Exception;

  /** The proxy configuration every contract run uses; subclasses may add keys. */
  protected KafkaRestConfig.Builder config() {
    return KafkaRestConfig.builder()
        .bootstrapServers(SharedKafka.bootstrapServers())
        .requestMaxBytes(REQUEST_MAX_BYTES)
        .consumerRequestTimeoutMs(1000);
  }

  @BeforeAll
  void startContract() throws Exception {
    admin = Admin.create(Map.of("bootstrap.servers", SharedKafka.bootstrapServers()));
    ensureInternalTopicExists();
    topic = newTopic(2);
    rest = KafkaRest.create(config().build());
    http = new HttpCalls(mount(rest));
  }

  @AfterAll
  void stopContract() throws Exception {
    try {
      unmount();
    } finally {
      rest.close();
      admin.close();
    }
  }

  // ---- metadata ----

  @Test
  void rootAnswersAnEmptyObject() {
    Reply r = http.get("/");
    assertEquals(200, r.status(), r::toString);
    assertEquals(MediaTypes.V2, r.contentType());
    assertEquals("{}", r.body());
  }

  @Test
  void topicsListsOurTopicAndHidesInternalOnes() {
    Reply r = http.get("/topics");
    assertEquals(200, r.status(), r::toString);
    List<String> names = new ArrayList<>();
    r.json().forEach(n -> names.add(n.asText()));
    assertTrue(names.contains(topic), names::toString);
    assertFalse(names.contains("__consumer_offsets"), names::toString);
  }

  @Test
  void topicDescribesConfigsAndPartitions() {
    JsonNode t = ok(http.get("/topics/" + topic));
    assertEquals(topic, t.get("name").asText());
    assertTrue(t.get("configs").has("cleanup.policy"), t::toString);
    assertEquals(2, t.get("partitions").size());
  }

  @Test
  void encodedPathSegmentsAreDecodedByTheCore() {
    // Topic names are plain ASCII; a percent-encoded '-' proves the binding hands over the raw path.
    JsonNode t = ok(http.get("/topics/" + topic.replace("-", "%2D")));
    assertEquals(topic, t.get("name").asText());
  }

  @Test
  void partitionsAndOnePartition() {
    JsonNode all = ok(http.get("/topics/" + topic + "/partitions"));
    assertEquals(2, all.size());
    JsonNode one = ok(http.get("/topics/" + topic + "/partitions/1"));
    assertEquals(1, one.get("partition").asInt());
    assertEquals(1, one.get("leader").asInt());
    assertEquals(1, one.get("replicas").get(0).get("broker").asInt());
    assertTrue(one.get("replicas").get(0).get("in_sync").asBoolean());
  }

  @Test
  void offsetsFollowProducedRecords() {
    String t = newTopic(1);
    JsonNode before = ok(http.get("/topics/" + t + "/partitions/0/offsets"));
    assertEquals(0, before.get("beginning_offset").asLong());
    assertEquals(0, before.get("end_offset").asLong());
    ok(http.post("/topics/" + t, BINARY, "{\"records\":[{\"value\":\"AA==\"},{\"value\":\"AQ==\"}]}"));
    JsonNode after = ok(http.get("/topics/" + t + "/partitions/0/offsets"));
    assertEquals(0, after.get("beginning_offset").asLong());
    assertEquals(2, after.get("end_offset").asLong());
  }

  @Test
  void brokers() {
    JsonNode b = ok(http.get("/brokers"));
    assertEquals(1, b.get("brokers").size());
    assertEquals(1, b.get("brokers").get(0).asInt());
  }

  // ---- produce ----

  @Test
  void produceBinaryWithKeysPartitionsAndNulls() {
    String t = newTopic(2);
    String body = "{\"records\":["
        + "{\"key\":\"" + b64("k1") + "\",\"value\":\"" + b64("v1") + "\",\"partition\":0},"
        + "{\"value\":\"" + b64("v2") + "\",\"partition\":1},"
        + "{\"key\":\"" + b64("k3") + "\",\"value\":null,\"partition\":0}]}";
    JsonNode answer = ok(http.post("/topics/" + t, BINARY, body));
    assertTrue(answer.has("key_schema_id") && answer.get("key_schema_id").isNull(), answer::toString);
    assertTrue(answer.has("value_schema_id") && answer.get("value_schema_id").isNull(), answer::toString);
    JsonNode offsets = answer.get("offsets");
    assertEquals(3, offsets.size());
    assertOffset(offsets.get(0), 0, 0);
    assertOffset(offsets.get(1), 1, 0);
    assertOffset(offsets.get(2), 0, 1);

    List<ConsumerRecord<byte[], byte[]>> p0 = read(t, 0, 2);
    assertArrayEquals(bytes("k1"), p0.get(0).key());
    assertArrayEquals(bytes("v1"), p0.get(0).value());
    assertArrayEquals(bytes("k3"), p0.get(1).key());
    assertNull(p0.get(1).value());
    assertNull(read(t, 1, 1).get(0).key());
  }

  @Test
  void produceJsonToAPartitionPath() {
    String t = newTopic(2);
    String body = "{\"records\":[{\"key\":\"user-1\",\"value\":{\"a\":[1,2.5,{\"b\":null}],\"s\":\"\u00e9\"}},"
        + "{\"value\":null}]}";
    JsonNode offsets = ok(http.post("/topics/" + t + "/partitions/1", JSON, body)).get("offsets");
    assertOffset(offsets.get(0), 1, 0);
    assertOffset(offsets.get(1), 1, 1);
    List<ConsumerRecord<byte[], byte[]>> records = read(t, 1, 2);
    assertEquals("\"user-1\"", new String(records.get(0).key(), StandardCharsets.UTF_8));
    assertEquals("{\"a\":[1,2.5,{\"b\":null}],\"s\":\"\u00e9\"}",
        new String(records.get(0).value(), StandardCharsets.UTF_8));
    assertNull(records.get(1).value());
  }

  @Test
  void produceABatchInOneRequest() {
    String t = newTopic(1);
    StringBuilder body = new StringBuilder("{\"records\":[");
    for (int i = 0; i < 200; i++) {
      body.append(i == 0 ? "" : ",").append("{\"value\":{\"n\":").append(i).append("}}");
    }
    JsonNode offsets = ok(http.post("/topics/" + t, JSON, body.append("]}").toString())).get("offsets");
    assertEquals(200, offsets.size());
    for (int i = 0; i < 200; i++) {
      assertOffset(offsets.get(i), 0, i);
    }
  }

  @Test
  void produceAChunkedBody() {
    String t = newTopic(1);
    byte[] body = ("{\"records\":[{\"value\":\"" + b64("streamed") + "\"}]}").getBytes(StandardCharsets.UTF_8);
    Reply r = http.postChunked("/topics/" + t, BINARY, () -> new ByteArrayInputStream(body));
    assertOffset(ok(r).get("offsets").get(0), 0, 0);
    assertArrayEquals(bytes("streamed"), read(t, 0, 1).get(0).value());
  }

  // ---- errors: the core's answers must come through the container unchanged ----

  @Test
  void unknownPathIs404() {
    assertError(http.get("/no/such/path"), 404, 404);
  }

  @Test
  void wrongMethodIs405() {
    assertError(http.delete("/topics"), 405, 405);
  }

  @Test
  void unknownTopicIs40403() {
    assertError(http.get("/topics/no-such-topic-" + UUID.randomUUID()), 404, 40403);
  }

  @Test
  void unknownPartitionIs40402() {
    assertError(http.get("/topics/" + topic + "/partitions/99"), 404, 40402);
  }

  @Test
  void unsupportedContentTypeIs415() {
    assertError(http.post("/topics/" + topic, "application/json", "{\"records\":[{\"value\":1}]}"), 415, 415);
  }

  @Test
  void emptyRecordsIs422() {
    assertError(http.post("/topics/" + topic, JSON, "{\"records\":[]}"), 422, 422);
  }

  @Test
  void malformedJsonIs400() {
    assertError(http.post("/topics/" + topic, JSON, "{\"records\":[{\"value\":"), 400, 400);
  }

  @Test
  void badBase64Is400() {
    assertError(http.post("/topics/" + topic, BINARY, "{\"records\":[{\"value\":\"not base64!\"}]}"), 400, 400);
  }

  @Test
  void unacceptableAcceptIs406() {
    assertError(http.get("/topics", "Accept", "application/json"), 406, 406);
  }

  @Test
  void bodyOverTheLimitIs413() {
    String value = b64("x".repeat(REQUEST_MAX_BYTES));
    assertError(http.post("/topics/" + topic, BINARY, "{\"records\":[{\"value\":\"" + value + "\"}]}"), 413, 413);
  }

  // ---- helpers ----

  protected static JsonNode ok(Reply reply) {
    assertEquals(200, reply.status(), reply::toString);
    assertEquals(MediaTypes.V2, reply.contentType(), reply::toString);
    return reply.json();
  }

  protected static void assertError(Reply reply, int status, int errorCode) {
    assertEquals(status, reply.status(), reply::toString);
    assertEquals(errorCode, reply.errorCode(), reply::toString);
    assertTrue(reply.json().has("message"), reply::toString);
  }

  private static void assertOffset(JsonNode item, int partition, long offset) {
    assertEquals(partition, item.get("partition").asInt(), item::toString);
    assertEquals(offset, item.get("offset").asLong(), item::toString);
    assertTrue(item.get("error_code").isNull(), item::toString);
    assertTrue(item.get("error").isNull(), item::toString);
  }

  /** Creates a fresh topic; every class and test gets its own, as they all share one broker. */
  protected String newTopic(int partitions) {
    String name = "contract-" + UUID.randomUUID().toString().substring(0, 8);
    try {
      admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return name;
  }

  /** Reads {@code count} records of one partition straight from Kafka, to check what the proxy wrote. */
  protected static List<ConsumerRecord<byte[], byte[]>> read(String topic, int partition, int count) {
    Map<String, Object> props = Map.of("bootstrap.servers", SharedKafka.bootstrapServers());
    try (KafkaConsumer<byte[], byte[]> consumer =
             new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      TopicPartition tp = new TopicPartition(topic, partition);
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
      while (records.size() < count && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
      assertEquals(count, records.size(), "records in " + tp);
      return records;
    }
  }

  /** The internal offsets topic exists only after a first commit; the topic-list test needs it to exist. */
  private void ensureInternalTopicExists() throws Exception {
    if (admin.listTopics(new ListTopicsOptions().listInternal(true)).names().get().contains("__consumer_offsets")) {
      return;
    }
    String t = newTopic(1);
    Map<String, Object> props = Map.of("bootstrap.servers", SharedKafka.bootstrapServers(), "group.id", "contract-init");
    try (KafkaConsumer<byte[], byte[]> consumer =
             new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.commitSync(Map.of(new TopicPartition(t, 0), new OffsetAndMetadata(0)));
    }
    assertTrue(admin.listTopics(new ListTopicsOptions().listInternal(true)).names().get()
        .containsAll(Set.of("__consumer_offsets")));
  }

  protected static String b64(String text) {
    return Base64.getEncoder().encodeToString(bytes(text));
  }

  protected static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
