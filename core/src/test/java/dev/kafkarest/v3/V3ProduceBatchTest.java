package dev.kafkarest.v3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kafkarest.KafkaRest;
import dev.kafkarest.KafkaRestConfig;
import dev.kafkarest.testing.DirectCalls;
import dev.kafkarest.testing.DirectCalls.Reply;
import dev.kafkarest.testing.FakeSchemaRegistry;
import dev.kafkarest.testing.SharedKafka;
import dev.kafkarest.testing.Topics;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code records:batch} against the real broker and the fake registry: every data type, 207, the 42208s. */
@ExtendWith(SharedKafka.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class V3ProduceBatchTest {
  static final String AVRO_USER =
      "{\"type\":\"record\",\"name\":\"User\",\"namespace\":\"ex\",\"fields\":[{\"name\":\"name\",\"type\":\"string\"}]}";

  private KafkaRest rest;
  private KafkaRest noRegistry;
  private FakeSchemaRegistry registry;
  private DirectCalls calls;

  @BeforeAll
  void start() throws Exception {
    registry = new FakeSchemaRegistry().start();
    rest = KafkaRest.create(KafkaRestConfig.builder().bootstrapServers(SharedKafka.bootstrapServers())
        .schemaRegistryUrl(registry.url()).build());
    noRegistry = KafkaRest.create(KafkaRestConfig.builder().bootstrapServers(SharedKafka.bootstrapServers()).build());
    calls = new DirectCalls(rest);
  }

  @AfterAll
  void stop() {
    rest.close();
    noRegistry.close();
    registry.close();
  }

  static String path(String topic) {
    return "/v3/clusters/any-cluster/topics/" + topic + "/records:batch";
  }

  private Reply batch(String topic, String entries) {
    return calls.post(path(topic), "application/json", "{\"entries\":[" + entries + "]}");
  }

  @Test
  void everySchemalessTypeWithHeadersPartitionAndTimestamp() {
    String t = Topics.create(SharedKafka.bootstrapServers(), 2, "v3b-");
    Reply reply = batch(t,
        "{\"id\":\"a\",\"partition_id\":1,\"key\":{\"type\":\"STRING\",\"data\":\"k\"},"
            + "\"value\":{\"type\":\"BINARY\",\"data\":\"" + b64("bin") + "\"},"
            + "\"headers\":[{\"name\":\"h\",\"value\":\"" + b64("1") + "\"},{\"name\":\"h\",\"value\":null}],"
            + "\"timestamp\":\"2023-03-09T14:07:23.592Z\"},"
            + "{\"id\":\"b\",\"partition_id\":1,\"value\":{\"type\":\"JSON\",\"data\":{\"n\":[1,2.50]}}},"
            + "{\"id\":\"c\",\"partition_id\":1,\"value\":{\"type\":\"BINARY\",\"data\":null}}");
    assertEquals(207, reply.status(), reply.body());
    assertEquals("application/json", reply.contentType());
    JsonNode body = reply.json();
    assertEquals(0, body.get("failures").size(), body::toString);
    JsonNode a = body.get("successes").get(0);
    assertEquals("a", a.get("id").asText());
    assertEquals("any-cluster", a.get("cluster_id").asText());
    assertEquals(t, a.get("topic_name").asText());
    assertEquals(1, a.get("partition_id").asInt());
    assertEquals(0, a.get("offset").asLong());
    assertEquals("2023-03-09T14:07:23.592Z", a.get("timestamp").asText());
    assertEquals("{\"type\":\"STRING\",\"size\":1}", a.get("key").toString());
    assertEquals("{\"type\":\"BINARY\",\"size\":3}", a.get("value").toString());
    assertFalse(a.has("error_code"));
    JsonNode b = body.get("successes").get(1);
    assertFalse(b.has("key"), b::toString);
    assertEquals("JSON", b.get("value").get("type").asText());
    assertEquals(-1, body.get("successes").get(2).get("value").get("size").asInt());

    List<ConsumerRecord<byte[], byte[]>> records = read(t, 1, 3);
    assertArrayEquals(utf8("k"), records.get(0).key());
    assertArrayEquals(utf8("bin"), records.get(0).value());
    assertEquals(1678370843592L, records.get(0).timestamp());
    Header[] headers = records.get(0).headers().toArray();
    assertEquals(2, headers.length);
    assertArrayEquals(utf8("1"), headers[0].value());
    assertNull(headers[1].value());
    assertNull(records.get(1).key());
    // Floats go through a tree, as upstream's ObjectMapper: 2.50 comes out as 2.5.
    assertEquals("{\"n\":[1,2.5]}", new String(records.get(1).value(), StandardCharsets.UTF_8));
    assertNull(records.get(2).value());
  }

  @Test
  void perEntryFailuresKeepRequestOrder() {
    String t = Topics.create(SharedKafka.bootstrapServers(), 1, "v3b-");
    JsonNode body = batch(t,
        "{\"id\":\"ok1\",\"value\":{\"type\":\"STRING\",\"data\":\"x\"}},"
            + "{\"id\":\"bad64\",\"value\":{\"type\":\"BINARY\",\"data\":\"not base64!\"}},"
            + "{\"id\":\"badpart\",\"partition_id\":7,\"value\":{\"type\":\"STRING\",\"data\":\"x\"}},"
            + "{\"id\":\"negpart\",\"partition_id\":-1,\"value\":{\"type\":\"STRING\",\"data\":\"x\"}},"
            + "{\"id\":\"notstring\",\"value\":{\"type\":\"STRING\",\"data\":5}},"
            + "{\"id\":\"ok2\",\"value\":{\"type\":\"STRING\",\"data\":\"y\"}}").json();
    assertEquals(List.of("ok1", "ok2"), ids(body.get("successes")));
    assertEquals(List.of("bad64", "badpart", "negpart", "notstring"), ids(body.get("failures")));
    JsonNode bad64 = body.get("failures").get(0);
    assertEquals(400, bad64.get("error_code").asInt());
    assertEquals("Bad Request: data=\"not base64!\" is not a base64 string.", bad64.get("message").asText());
    assertEquals(40402, body.get("failures").get(1).get("error_code").asInt());
    assertEquals(40402, body.get("failures").get(2).get("error_code").asInt());
    assertEquals(400, body.get("failures").get(3).get("error_code").asInt());
    assertEquals(1, body.get("successes").get(1).get("offset").asLong());
  }

  /** A record over its topic's max.message.bytes is refused on its own (413); the others are written. */
  @Test
  void aRecordOverItsTopicsMaxMessageBytesIs413() {
    String t = Topics.create(SharedKafka.bootstrapServers(), 1, "v3b-", Map.of("max.message.bytes", "1024"));
    JsonNode body = batch(t,
        "{\"id\":\"small\",\"value\":{\"type\":\"STRING\",\"data\":\"x\"}},"
            + "{\"id\":\"big\",\"value\":{\"type\":\"STRING\",\"data\":\"" + "y".repeat(2000) + "\"}},"
            + "{\"id\":\"after\",\"value\":{\"type\":\"STRING\",\"data\":\"z\"}}").json();
    assertEquals(List.of("small", "after"), ids(body.get("successes")), body.toString());
    assertEquals(List.of("big"), ids(body.get("failures")));
    assertEquals(413, body.get("failures").get(0).get("error_code").asInt());
    assertEquals(2, read(t, 0, 2).size());
  }

  @Test
  void batchValidationsAre42208() {
    String t = "any";
    assertBatchError(calls.post(path(t), "application/json", ""), "Request body is empty. Data is required.");
    assertBatchError(batch(t, ""), "Empty batch.");
    assertBatchError(batch(t, "{\"id\":\"a\"},{\"id\":\"a\"}"), "Batch entry IDs are not distinct.");
    assertBatchError(batch(t, "{\"id\":1}"), "Batch entry identifier is not a valid string.");
    assertBatchError(batch(t, "{\"id\":\"no spaces\"}"), "Batch entry identifier is not a valid string.");
    assertBatchError(batch(t, "{\"id\":\"" + "x".repeat(81) + "\"}"), "Batch entry identifier is not a valid string.");
    StringBuilder eleven = new StringBuilder();
    for (int i = 0; i < 11; i++) {
      eleven.append(i == 0 ? "" : ",").append("{\"id\":\"e").append(i).append("\"}");
    }
    assertBatchError(batch(t, eleven.toString()), "Too many entries in batch.");
    Reply unknown = calls.post(path(t), "application/json", "{\"entries\":[],\"more\":1}");
    assertEquals(422, unknown.status());
    assertEquals(422, unknown.json().get("error_code").asInt());
    Reply shape = batch(t, "{\"id\":\"a\",\"value\":{\"type\":\"BINARY\",\"schema_id\":1,\"data\":\"\"}}");
    assertEquals(400, shape.status(), shape.body());
    assertEquals(415, calls.post(path(t), "application/vnd.kafka.v2+json", "{}").status());
  }

  @Test
  void schemaTypesWithRawSchemaIdVersionAndLatest() {
    String t = Topics.create(SharedKafka.bootstrapServers(), 1, "v3b-");
    int registered = registry.register(t + "-value", "AVRO", AVRO_USER);
    String jsonSchema = "{\"type\":\"object\",\"properties\":{\"n\":{\"type\":\"integer\"}}}";
    JsonNode body = batch(t,
        "{\"id\":\"raw\",\"value\":{\"type\":\"JSONSCHEMA\",\"subject\":\"" + t + "-js\",\"schema\":" + quote(jsonSchema) + ",\"data\":{\"n\":1}}},"
            + "{\"id\":\"byid\",\"value\":{\"schema_id\":" + registered + ",\"data\":{\"name\":\"Ann\"}}},"
            + "{\"id\":\"byversion\",\"value\":{\"schema_version\":1,\"data\":{\"name\":\"Bo\"}}},"
            + "{\"id\":\"latest\",\"value\":{\"data\":{\"name\":\"Cy\"}}},"
            + "{\"id\":\"proto\",\"key\":{\"type\":\"PROTOBUF\",\"subject\":\"my-key\","
            + "\"schema\":\"syntax = \\\"proto3\\\"; message K { int64 n = 1; }\",\"data\":{\"n\":7}}},"
            + "{\"id\":\"record\",\"value\":{\"type\":\"AVRO\",\"subject_name_strategy\":\"TOPIC_RECORD_NAME\","
            + "\"schema\":" + quote(AVRO_USER) + ",\"data\":{\"name\":\"Di\"}}},"
            + "{\"id\":\"mismatch\",\"value\":{\"data\":{\"nome\":\"x\"}}},"
            + "{\"id\":\"nosubject\",\"value\":{\"schema_version\":1,\"subject_name_strategy\":\"RECORD_NAME\","
            + "\"data\":{}}}").json();
    assertEquals(List.of("raw", "byid", "byversion", "latest", "proto", "record"), ids(body.get("successes")),
        body::toString);
    JsonNode s = body.get("successes");
    JsonNode raw = s.get(0).get("value");
    assertEquals("JSONSCHEMA", raw.get("type").asText());
    assertEquals(t + "-js", raw.get("subject").asText());
    assertEquals(1, raw.get("schema_version").asInt(), raw::toString);
    for (int i = 1; i <= 3; i++) {
      JsonNode v = s.get(i).get("value");
      assertEquals("AVRO", v.get("type").asText(), v::toString);
      assertEquals(t + "-value", v.get("subject").asText());
      assertEquals(registered, v.get("schema_id").asInt());
      assertEquals(1, v.get("schema_version").asInt());
    }
    assertEquals("my-key", s.get(4).get("key").get("subject").asText());
    assertEquals("PROTOBUF", s.get(4).get("key").get("type").asText());
    assertEquals(t + "-ex.User", s.get(5).get("value").get("subject").asText());
    assertEquals(400, body.get("failures").get(0).get("error_code").asInt(), body::toString);
    assertEquals("Bad Request: Cannot use schema_subject_strategy=RECORD_NAME without schema_id or schema.",
        body.get("failures").get(1).get("message").asText());

    List<ConsumerRecord<byte[], byte[]>> records = read(t, 0, 6);
    ByteBuffer value = ByteBuffer.wrap(records.get(1).value());
    assertEquals(0, value.get());
    assertEquals(registered, value.getInt());
  }

  @Test
  void schemaWithoutRegistryIs42206InTheMessage() {
    String t = Topics.create(SharedKafka.bootstrapServers(), 1, "v3b-");
    JsonNode body = new DirectCalls(noRegistry).post(path(t), "application/json",
        "{\"entries\":[{\"id\":\"x\",\"value\":{\"data\":{\"a\":1}}}]}").json();
    JsonNode failure = body.get("failures").get(0);
    assertEquals(422, failure.get("error_code").asInt());
    assertEquals("Error: 42206 : Payload error. Schema Registry must be configured when using schemas.",
        failure.get("message").asText());
  }

  private static void assertBatchError(Reply reply, String message) {
    assertEquals(422, reply.status(), reply.body());
    assertEquals(42208, reply.json().get("error_code").asInt(), reply.body());
    assertEquals(message, reply.json().get("message").asText());
  }

  private static List<String> ids(JsonNode entries) {
    List<String> ids = new ArrayList<>();
    entries.forEach(e -> ids.add(e.get("id").asText()));
    return ids;
  }

  static String quote(String text) {
    return dev.kafkarest.http.Json.MAPPER.valueToTree(text).toString();
  }

  static String b64(String text) {
    return Base64.getEncoder().encodeToString(utf8(text));
  }

  static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  static List<ConsumerRecord<byte[], byte[]>> read(String topic, int partition, int count) {
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
        Map.of("bootstrap.servers", SharedKafka.bootstrapServers()),
        new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      TopicPartition tp = new TopicPartition(topic, partition);
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
      while (records.size() < count && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
      assertEquals(count, records.size(), "records in " + tp);
      return records;
    }
  }
}
