package dev.kafkarest.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kafkarest.KafkaRest;
import dev.kafkarest.KafkaRestConfig;
import dev.kafkarest.http.Json;
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
  private static final String V2 = MediaTypes.V2;

  private KafkaRest rest;
  private Admin admin;
  private FakeSchemaRegistry registry;
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
        .schemaRegistryUrl(registry.url())
        .requestMaxBytes(REQUEST_MAX_BYTES)
        .consumerRequestTimeoutMs(1000)
        .set(KafkaRestConfig.EVENTS_KEEPALIVE_MS, "300");
  }

  @BeforeAll
  void startContract() throws Exception {
    admin = Admin.create(Map.of("bootstrap.servers", SharedKafka.bootstrapServers()));
    registry = new FakeSchemaRegistry().start();
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
      registry.close();
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

  // ---- v3 administration ----

  @Test
  void v3TopicRoundTripWithLinksUnderTheMount() throws Exception {
    JsonNode clusters = v3(http.get("/v3/clusters"), 200);
    JsonNode cluster = clusters.get("data").get(0);
    String path = "/v3/clusters/" + cluster.get("cluster_id").asText();
    assertEquals(http.mount() + path, cluster.get("metadata").get("self").asText());

    String name = "contract-v3-" + UUID.randomUUID();
    JsonNode created = v3(http.post(path + "/topics", MediaTypes.JSON,
        "{\"topic_name\":\"" + name + "\",\"partitions_count\":2}"), 201);
    String self = http.mount() + path + "/topics/" + name;
    assertEquals(self, created.get("metadata").get("self").asText());
    assertEquals(self + "/configs", created.get("configs").get("related").asText());
    awaitV3(path + "/topics/" + name, topic -> true);

    assertEquals(3, v3(http.call("PATCH", path + "/topics/" + name, MediaTypes.JSON, "{\"partitions_count\":3}"),
        200).get("partitions_count").asInt());
    assertEquals(204, http.call("PUT", path + "/topics/" + name + "/configs/retention.ms", MediaTypes.JSON,
        "{\"value\":\"3600000\"}").status());
    awaitV3(path + "/topics/" + name + "/configs/retention.ms", c -> c.get("value").asText().equals("3600000"));
    assertEquals(3, v3(http.get(path + "/topics/" + name + "/partitions"), 200).get("data").size());

    assertEquals(204, http.delete(path + "/topics/" + name).status());
    Reply gone = awaitStatus(path + "/topics/" + name, 404); // the broker's metadata catches up with the delete
    assertEquals(404, gone.status(), gone::toString);
    assertEquals(MediaTypes.JSON, gone.contentType());
    Reply otherCluster = http.get("/v3/clusters/not-this-one/topics");
    assertEquals(404, otherCluster.status());
    assertEquals(404, otherCluster.errorCode());
  }

  @Test
  void v3LagOfAGroupThatMovesForward() throws Exception {
    String t = newTopic(1);
    String group = "contract-lag-" + UUID.randomUUID();
    ok(http.post("/topics/" + t, BINARY, "{\"records\":[{\"value\":\"AA==\"},{\"value\":\"AQ==\"},"
        + "{\"value\":\"Ag==\"}]}"));
    admin.alterConsumerGroupOffsets(group, Map.of(new TopicPartition(t, 0), new OffsetAndMetadata(1))).all()
        .get(30, TimeUnit.SECONDS);
    String cluster = "/v3/clusters/" + v3(http.get("/v3/clusters"), 200).get("data").get(0).get("cluster_id").asText();
    String lags = cluster + "/consumer-groups/" + group + "/lags";
    JsonNode lag = v3(http.get(lags), 200).get("data").get(0);
    assertEquals(t, lag.get("topic_name").asText());
    assertEquals(1, lag.get("current_offset").asLong());
    assertEquals(3, lag.get("log_end_offset").asLong());
    assertEquals(2, lag.get("lag").asLong());
    assertEquals(http.mount() + lags + "/" + t + "/partitions/0", lag.get("metadata").get("self").asText());

    ok(http.post("/topics/" + t, BINARY, "{\"records\":[{\"value\":\"Aw==\"},{\"value\":\"BA==\"}]}"));
    JsonNode summary = v3(http.get(cluster + "/consumer-groups/" + group + "/lag-summary"), 200);
    assertEquals(4, summary.get("total_lag").asLong());
    assertEquals(4, summary.get("max_lag").asLong());
    assertEquals(t, summary.get("max_lag_topic_name").asText());
  }

  private static JsonNode v3(Reply reply, int status) {
    assertEquals(status, reply.status(), reply::toString);
    assertEquals(MediaTypes.JSON, reply.contentType(), reply::toString);
    return reply.json();
  }

  /** A v3 resource once {@code until} holds: the broker's metadata follows the controller's by a moment. */
  private Reply awaitStatus(String path, int status) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    Reply reply = http.get(path);
    while (reply.status() != status && System.nanoTime() < deadline) {
      Thread.sleep(20);
      reply = http.get(path);
    }
    return reply;
  }

  private JsonNode awaitV3(String path, java.util.function.Predicate<JsonNode> until) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      Reply reply = http.get(path);
      if (reply.status() == 200 && until.test(reply.json())) {
        return reply.json();
      }
      assertTrue(System.nanoTime() < deadline, () -> path + " is still " + reply);
      Thread.sleep(20);
    }
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

  @Test
  void produceAvroJsonSchemaAndProtobuf() {
    String t = newTopic(1);
    int avro = produceWithSchema(t, MediaTypes.AVRO_V2,
        "{\"type\":\"record\",\"name\":\"User\",\"fields\":[{\"name\":\"name\",\"type\":\"string\"}]}",
        "{\"name\":\"Ann\"}");
    int jsonSchema = produceWithSchema(t, MediaTypes.JSONSCHEMA_V2,
        "{\"type\":\"object\",\"properties\":{\"n\":{\"type\":\"integer\"}}}", "{\"n\":7}");
    int protobuf = produceWithSchema(t, MediaTypes.PROTOBUF_V2,
        "syntax = \"proto3\"; message Reading { int64 n = 1; }", "{\"n\":7}");
    // Confluent wire format in Kafka: magic byte 0, then the schema id the answer reported.
    List<ConsumerRecord<byte[], byte[]>> records = read(t, 0, 3);
    int[] ids = {avro, jsonSchema, protobuf};
    for (int i = 0; i < 3; i++) {
      byte[] value = records.get(i).value();
      assertEquals(0, value[0], "magic byte");
      assertEquals(ids[i], java.nio.ByteBuffer.wrap(value, 1, 4).getInt(), "schema id");
    }
    assertError(http.post("/topics/" + t, MediaTypes.AVRO_V2, "{\"records\":[{\"value\":{\"name\":\"x\"}}]}"),
        422, 42202);
  }

  @Test
  void avroConsumerReadsWhatWasProduced() {
    String t = newTopic(1);
    produceWithSchema(t, MediaTypes.AVRO_V2,
        "{\"type\":\"record\",\"name\":\"User\",\"fields\":[{\"name\":\"name\",\"type\":\"string\"}]}",
        "{\"name\":\"Ann\"}");
    String group = "contract-g-" + UUID.randomUUID().toString().substring(0, 8);
    ok(http.post("/consumers/" + group, V2,
        "{\"name\":\"a\",\"format\":\"avro\",\"auto.offset.reset\":\"earliest\"}"));
    String path = "/consumers/" + group + "/instances/a";
    assertEquals(204, http.post(path + "/subscription", V2, "{\"topics\":[\"" + t + "\"]}").status());
    List<JsonNode> records = readRecords(path, MediaTypes.AVRO_V2, 1);
    assertEquals("{\"name\":\"Ann\"}", records.get(0).get("value").toString());
    assertEquals(204, http.delete(path).status());
  }

  /** Produces one record with a value schema given as text; returns the value_schema_id of the answer. */
  private int produceWithSchema(String topic, String mediaType, String valueSchema, String valueJson) {
    String body = "{\"value_schema\":" + Json.MAPPER.valueToTree(valueSchema) + ",\"records\":[{\"value\":"
        + valueJson + "}]}";
    JsonNode answer = ok(http.post("/topics/" + topic, mediaType, body));
    assertTrue(answer.get("key_schema_id").isNull(), answer::toString);
    assertTrue(answer.get("value_schema_id").isInt(), answer::toString);
    assertTrue(answer.get("offsets").get(0).get("error_code").isNull(), answer::toString);
    return answer.get("value_schema_id").asInt();
  }

  // ---- v3 produce ----

  @Test
  void v3BatchProduce() {
    String t = newTopic(1);
    Reply r = http.post("/v3/clusters/any/topics/" + t + "/records:batch", "application/json",
        "{\"entries\":[{\"id\":\"a\",\"value\":{\"type\":\"STRING\",\"data\":\"one\"}},"
            + "{\"id\":\"b\",\"value\":{\"type\":\"BINARY\",\"data\":\"!!\"}}]}");
    assertEquals(207, r.status(), r::toString);
    assertEquals("application/json", r.contentType(), r::toString);
    JsonNode success = r.json().get("successes").get(0);
    assertEquals("a", success.get("id").asText());
    assertEquals(0, success.get("offset").asLong());
    assertEquals("b", r.json().get("failures").get(0).get("id").asText());
    assertEquals(400, r.json().get("failures").get(0).get("error_code").asInt());
    assertArrayEquals(bytes("one"), read(t, 0, 1).get(0).value());
  }

  @Test
  void v3StreamingProduceOfManyRecordsOverOneChunkedRequest() {
    String t = newTopic(1);
    int count = 300;
    StringBuilder all = new StringBuilder();
    for (int i = 0; i < count; i++) {
      all.append("{\"value\":{\"type\":\"STRING\",\"data\":\"s").append(i).append("\"}}\n");
    }
    // Pieces of 97 bytes: records are split across chunks, and the body arrives over a while.
    byte[] body = all.toString().getBytes(StandardCharsets.UTF_8);
    java.io.InputStream slow = new java.io.InputStream() {
      private int position;

      @Override
      public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0];
      }

      @Override
      public int read(byte[] buf, int off, int len) {
        if (position >= body.length) {
          return -1;
        }
        if (position % (97 * 30) == 0) {
          sleep(5);
        }
        int n = Math.min(Math.min(len, 97), body.length - position);
        System.arraycopy(body, position, buf, off, n);
        position += n;
        return n;
      }
    };
    java.net.http.HttpResponse<java.util.stream.Stream<String>> response = http.postLines(
        "/v3/clusters/any/topics/" + t + "/records", "application/json",
        java.net.http.HttpRequest.BodyPublishers.ofInputStream(() -> slow));
    assertEquals(200, response.statusCode());
    assertEquals("application/json", response.headers().firstValue("Content-Type").orElse(null));
    List<String> lines = new ArrayList<>();
    response.body().forEach(lines::add);
    assertEquals(count, lines.size(), () -> lines.subList(0, Math.min(3, lines.size())).toString());
    for (int i = 0; i < count; i++) {
      JsonNode answer = json(lines.get(i));
      assertEquals(200, answer.get("error_code").asInt(), answer::toString);
      assertEquals(i, answer.get("offset").asLong(), answer::toString);
    }
    List<ConsumerRecord<byte[], byte[]>> records = read(t, 0, count);
    assertArrayEquals(bytes("s" + (count - 1)), records.get(count - 1).value());
    awaitNoProduceStreams();
  }

  /**
   * Whether the container sends a stream's answer lines while the proxy is blocked reading more of the request
   * body; a host that cannot says no, and the tests that need it are skipped there, not passed. Every host here
   * does (Jetty sends the CRLF that ends a chunk with the next chunk's head, which {@link StreamingSocket} allows
   * for). Jersey buffers answers up to its {@code jersey.config.server.contentLength.buffer}; the Jersey hosts
   * set it to 0.
   */
  protected boolean sendsAnswersWhileTheBodyIsOpen() {
    return true;
  }

  @Test
  void v3StreamClientThatDisconnectsLosesNothingAcknowledged() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(sendsAnswersWhileTheBodyIsOpen(),
        "this container holds back streamed answers while the request body is open");
    String t = newTopic(1);
    try (StreamingSocket stream = new StreamingSocket(http, "/v3/clusters/any/topics/" + t + "/records",
        "application/json")) {
      // Three records and half of a fourth: the answers must arrive while the request body is still open.
      StringBuilder chunk = new StringBuilder();
      for (int i = 0; i < 3; i++) {
        chunk.append("{\"value\":{\"type\":\"STRING\",\"data\":\"d").append(i).append("\"}}");
      }
      stream.sendChunk(chunk.append("{\"value\":{\"type\":\"STRI").toString());
      assertEquals(200, stream.status());
      for (int i = 0; i < 3; i++) {
        JsonNode answer = json(stream.readLine());
        assertEquals(i, answer.get("offset").asLong(), answer::toString);
      }
    } // the client is gone, mid-record
    List<ConsumerRecord<byte[], byte[]>> records = read(t, 0, 3);
    assertArrayEquals(bytes("d2"), records.get(2).value());
    awaitNoProduceStreams();
  }

  @Test
  void v3StreamAnswersEachRecordBeforeTheNextIsSent() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(sendsAnswersWhileTheBodyIsOpen(),
        "this container holds back streamed answers while the request body is open");
    String t = newTopic(1);
    try (StreamingSocket stream = new StreamingSocket(http, "/v3/clusters/any/topics/" + t + "/records",
        "application/json")) {
      // A client that sends the next record only once the last one is answered: no answer may wait for more body.
      for (int i = 0; i < 3; i++) {
        stream.sendChunk("{\"value\":{\"type\":\"STRING\",\"data\":\"p" + i + "\"}}");
        assertEquals(200, stream.status());
        JsonNode answer = json(stream.readLine());
        assertEquals(i, answer.get("offset").asLong(), answer::toString);
      }
      stream.sendChunk(""); // the last chunk: the body ends, and so does the answer
      assertNull(stream.readLine());
    }
    assertArrayEquals(bytes("p2"), read(t, 0, 3).get(2).value());
    awaitNoProduceStreams();
  }

  private void awaitNoProduceStreams() {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (rest.activeProduceStreams() > 0 && System.nanoTime() < deadline) {
      sleep(20);
    }
    assertEquals(0, rest.activeProduceStreams(), "produce streams still open");
  }

  private static JsonNode json(String line) {
    try {
      return Json.MAPPER.readTree(line);
    } catch (java.io.IOException e) {
      throw new AssertionError("not JSON: " + line, e);
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ---- Server-Sent Events (an extension): GET /topics/{topic}/events ----

  @Test
  void eventStreamGetsRecordsProducedAfterItStartedAndResumesWithLastEventId() throws Exception {
    String t = newTopic(3);
    URI events = URI.create(http.mount() + "/topics/" + t + "/events");
    Set<String> seen = new java.util.HashSet<>();
    String lastId;
    try (EventStreamClient stream = EventStreamClient.get(events, Map.of())) {
      assertEquals(200, stream.status());
      assertEquals("text/event-stream", MediaTypes.essence(stream.header("Content-Type")));
      assertTrue(stream.next(Duration.ofSeconds(20)).isComment(), "the head and a first comment arrive at once");
      StringBuilder records = new StringBuilder();
      for (int i = 0; i < 9; i++) {
        records.append(i == 0 ? "" : ",").append("{\"partition\":").append(i % 3)
            .append(",\"value\":\"").append(b64("e" + i)).append("\"}");
      }
      ok(http.post("/topics/" + t, BINARY, "{\"records\":[" + records + "]}"));
      EventStreamClient.Item event = null;
      for (int i = 0; i < 5; i++) {
        event = stream.nextEvent(Duration.ofSeconds(20));
        JsonNode data = json(event.data());
        seen.add(data.get("partition").asInt() + "/" + data.get("offset").asLong());
      }
      lastId = event.id();
    } // cut after 5 of 9 events
    try (EventStreamClient stream = EventStreamClient.get(events, Map.of("Last-Event-ID", lastId))) {
      assertEquals(200, stream.status());
      while (seen.size() < 9) {
        JsonNode data = json(stream.nextEvent(Duration.ofSeconds(20)).data());
        assertTrue(seen.add(data.get("partition").asInt() + "/" + data.get("offset").asLong()), data::toString);
      }
      assertEquals(Set.of("0/0", "0/1", "0/2", "1/0", "1/1", "1/2", "2/0", "2/1", "2/2"), seen);
    }
    awaitNoEventStreams();
  }

  @Test
  void eventStreamOnAnIdleTopicKeepsAliveAndItsClientLeavingFreesTheConsumer() throws Exception {
    String t = newTopic(1);
    try (EventStreamClient stream = EventStreamClient.get(URI.create(http.mount() + "/topics/" + t + "/events"),
        Map.of())) {
      assertEquals(200, stream.status());
      assertTrue(stream.next(Duration.ofSeconds(20)).isComment());
      assertEquals("keep-alive", stream.next(Duration.ofSeconds(20)).comment());
      assertEquals("keep-alive", stream.next(Duration.ofSeconds(20)).comment());
      assertEquals(1, rest.eventStreamConsumers());
    } // the client vanishes
    awaitNoEventStreams();
  }

  /**
   * Clients leaving event streams, over and over, must not disturb what comes after them: every later answer of
   * every kind (at once, after a Kafka call, a v3 stream, another event stream, an error) arrives whole and in
   * time. Each left stream notices at its next write (the record produced next, or a keep-alive), while the later
   * requests run: the moment at which Jersey on Tomcat once finished a left stream's answer on a request Tomcat
   * had recycled, and a later answer never got its body.
   */
  @Test
  void clientsLeavingEventStreamsLeaveLaterAnswersWhole() throws Exception {
    String t = newTopic(1);
    URI events = URI.create(http.mount() + "/topics/" + t + "/events");
    for (int i = 0; i < 20; i++) {
      try (EventStreamClient stream = EventStreamClient.get(events, Map.of())) {
        assertEquals(200, stream.status());
        assertTrue(stream.next(Duration.ofSeconds(20)).isComment());
      } // the client vanishes
      String value = b64("left" + i);
      String unknown = "/topics/no-such-topic-" + i;
      ok(whole(() -> http.post("/topics/" + t, BINARY, "{\"records\":[{\"value\":\"" + value + "\"}]}")));
      assertEquals("{}", whole(() -> http.get("/")).body());
      ok(whole(() -> http.get("/topics/" + t)));
      assertError(whole(() -> http.get(unknown)), 404, 40403);
      List<String> lines = whole(() -> {
        try (java.util.stream.Stream<String> answers = http.postLines("/v3/clusters/any/topics/" + t + "/records",
            "application/json", java.net.http.HttpRequest.BodyPublishers.ofString(
                "{\"value\":{\"type\":\"STRING\",\"data\":\"a\"}}{\"value\":{\"type\":\"STRING\",\"data\":\"b\"}}"))
            .body()) {
          return answers.toList();
        }
      });
      assertEquals(2, lines.size(), lines::toString);
      lines.forEach(line -> assertEquals(200, json(line).get("error_code").asInt(), line));
      if (i % 5 == 4) { // and a stream that is read to the end of a record and left at once
        try (EventStreamClient stream = EventStreamClient.get(URI.create(events + "?start=earliest"), Map.of())) {
          assertEquals(b64("left0"), json(stream.nextEvent(Duration.ofSeconds(20)).data()).get("value").asText());
        }
      }
    }
    awaitNoEventStreams();
  }

  /** The call's answer, whole, within a bound: a later answer that never got its body fails here, not hangs. */
  private static <T> T whole(java.util.function.Supplier<T> call) throws Exception {
    java.util.concurrent.CompletableFuture<T> answer = java.util.concurrent.CompletableFuture.supplyAsync(call);
    try {
      return answer.get(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("no whole answer within 30 s", e);
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }

  @Test
  void eventStreamRefusalsAreAnsweredBeforeAnyStream() throws Exception {
    String path = "/topics/" + topic + "/events";
    assertError(http.get(path, "Accept", "text/event-stream", "Last-Event-ID", "zero"), 400, 400);
    assertError(http.get(path + "?start=soon", "Accept", "text/event-stream"), 400, 400);
    assertError(http.get("/topics/no-such-topic-" + UUID.randomUUID() + "/events", "Accept", "text/event-stream"),
        404, 40401);
    assertEquals(406, http.get(path, "Accept", V2).status());
  }

  private void awaitNoEventStreams() {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while ((rest.activeEventStreams() > 0 || rest.eventStreamConsumers() > 0) && System.nanoTime() < deadline) {
      sleep(20);
    }
    assertEquals(0, rest.eventStreamConsumers(), "event stream consumers still open");
    assertEquals(0, rest.activeEventStreams(), "event streams still open");
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
  void bodyOverTheLimitIs413BeforeTheBodyIsRead() {
    // The declared length alone decides; the binding hands the body over as a stream, so nothing waits for it.
    Reply r = http.postHeadersOnly("/topics/" + topic, BINARY, 10L * REQUEST_MAX_BYTES, Duration.ofSeconds(10));
    assertError(r, 413, 413);
  }

  // ---- consumers ----

  @Test
  void consumerLifeCycle() {
    String topic = newTopic(1);
    String group = "contract-g-" + UUID.randomUUID().toString().substring(0, 8);
    // Forwarded headers are client input unless the host trusts its proxy: off by default in every binding.
    Reply created = http.post("/consumers/" + group, V2,
        "{\"name\":\"c1\",\"format\":\"binary\",\"auto.offset.reset\":\"earliest\","
            + "\"auto.commit.enable\":\"false\"}",
        "X-Forwarded-Host", "attacker.example", "Forwarded", "host=attacker.example;proto=https");
    JsonNode instance = ok(created);
    assertEquals("c1", instance.get("instance_id").asText());
    // base_uri must be the URL the client used: scheme, host, port, context path and mount.
    String path = "/consumers/" + group + "/instances/c1";
    assertEquals(http.mount() + path, instance.get("base_uri").asText());
    assertError(http.post("/consumers/" + group, V2, "{\"name\":\"c1\"}"), 409, 40902);

    assertEquals(204, http.post(path + "/subscription", V2, "{\"topics\":[\"" + topic + "\"]}").status());
    JsonNode subscription = ok(http.get(path + "/subscription"));
    assertEquals(topic, subscription.get("topics").get(0).asText());
    ok(http.post("/topics/" + topic, BINARY, "{\"records\":[{\"key\":\"" + b64("k") + "\",\"value\":\""
        + b64("a") + "\"},{\"value\":\"" + b64("b") + "\"},{\"value\":null}]}"));

    List<JsonNode> records = readRecords(path, BINARY, 3);
    assertEquals(topic, records.get(0).get("topic").asText());
    assertEquals(b64("k"), records.get(0).get("key").asText());
    assertEquals(b64("a"), records.get(0).get("value").asText());
    assertEquals(0, records.get(0).get("partition").asInt());
    assertEquals(0, records.get(0).get("offset").asLong());
    assertTrue(records.get(1).get("key").isNull());
    assertEquals(b64("b"), records.get(1).get("value").asText());
    assertTrue(records.get(2).get("value").isNull());

    Reply commit = http.post(path + "/offsets", V2,
        "{\"offsets\":[{\"topic\":\"" + topic + "\",\"partition\":0,\"offset\":2}]}");
    assertEquals(200, commit.status(), commit::toString);
    assertEquals("[]", commit.body());
    // Confluent's GET with a JSON body: the container must hand the body of a GET through.
    JsonNode committed = ok(http.call("GET", path + "/offsets", V2,
        "{\"partitions\":[{\"topic\":\"" + topic + "\",\"partition\":0}]}"));
    assertEquals(3, committed.get("offsets").get(0).get("offset").asLong());

    assertEquals(204, http.delete(path).status());
    assertError(http.get(path + "/subscription"), 404, 40403);
    assertError(http.get(path + "/records"), 404, 40403);
  }

  @Test
  void jsonConsumerAndFormatNegotiation() {
    String topic = newTopic(1);
    String group = "contract-g-" + UUID.randomUUID().toString().substring(0, 8);
    ok(http.post("/consumers/" + group, V2,
        "{\"name\":\"j\",\"format\":\"json\",\"auto.offset.reset\":\"earliest\"}"));
    String path = "/consumers/" + group + "/instances/j";
    assertEquals(204, http.post(path + "/subscription", V2, "{\"topics\":[\"" + topic + "\"]}").status());
    ok(http.post("/topics/" + topic, JSON, "{\"records\":[{\"key\":\"k\",\"value\":{\"n\":[1,\"x\"]}}]}"));

    assertError(http.get(path + "/records", "Accept", BINARY), 406, 40601);
    Reply unacceptable = http.get(path + "/records", "Accept", "application/json");
    assertEquals(406, unacceptable.status(), unacceptable::toString);
    List<JsonNode> records = readRecords(path, JSON, 1);
    assertEquals("k", records.get(0).get("key").asText());
    assertEquals("{\"n\":[1,\"x\"]}", records.get(0).get("value").toString());
    assertEquals(204, http.delete(path).status());
  }

  /** Polls {@code .../records} (each poll waits up to the proxy's request timeout) until enough arrive. */
  protected List<JsonNode> readRecords(String instancePath, String accept, int count) {
    List<JsonNode> records = new ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (records.size() < count && System.nanoTime() < deadline) {
      Reply r = http.get(instancePath + "/records?timeout=1000", "Accept", accept);
      assertEquals(200, r.status(), r::toString);
      assertEquals(accept, r.contentType(), r::toString);
      r.json().forEach(records::add);
    }
    assertEquals(count, records.size(), records::toString);
    return records;
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

  /** Creates a fresh topic with its leaders ready; every class and test gets its own, as they share one broker. */
  protected static String newTopic(int partitions) {
    return Topics.create(SharedKafka.bootstrapServers(), partitions, "contract-");
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
