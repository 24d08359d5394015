package dev.kafkarest.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kafkarest.KafkaRest;
import dev.kafkarest.KafkaRestConfig;
import dev.kafkarest.http.Headers;
import dev.kafkarest.http.Json;
import dev.kafkarest.http.RestRequest;
import dev.kafkarest.http.RestResponse;
import dev.kafkarest.http.StreamingBody;
import dev.kafkarest.security.Operation;
import dev.kafkarest.testing.EventStreamClient;
import dev.kafkarest.testing.EventStreamClient.Item;
import dev.kafkarest.testing.SharedKafka;
import dev.kafkarest.testing.Topics;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import javax.management.ObjectName;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code GET /topics/{t}/events} against the real broker, driven directly (no container). */
@ExtendWith(SharedKafka.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TopicEventsTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  private KafkaRest rest;
  private KafkaRest otherNode;
  private KafkaProducer<byte[], byte[]> producer;

  @BeforeAll
  void start() {
    rest = KafkaRest.create(config().build());
    otherNode = KafkaRest.create(config().build());
    producer = new KafkaProducer<>(Map.of("bootstrap.servers", SharedKafka.bootstrapServers()),
        new ByteArraySerializer(), new ByteArraySerializer());
  }

  private static KafkaRestConfig.Builder config() {
    return KafkaRestConfig.builder().bootstrapServers(SharedKafka.bootstrapServers())
        .set(KafkaRestConfig.EVENTS_MAX_STREAMS, "2")
        .set(KafkaRestConfig.EVENTS_KEEPALIVE_MS, "200");
  }

  @AfterAll
  void stop() {
    producer.close();
    otherNode.close();
    rest.close();
  }

  @Test
  void receivesRecordsProducedAfterItStarted() throws Exception {
    String topic = Topics.create(SharedKafka.bootstrapServers(), 1);
    send(topic, 0, "before");
    try (Stream stream = open(rest, "/topics/" + topic + "/events")) {
      ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, 0, 1234L, bytes("k"), bytes("v1"),
          List.of(new RecordHeader("h", bytes("a")), new RecordHeader("h", bytes("b"))));
      producer.send(record).get();
      Item event = stream.events.nextEvent(WAIT);
      JsonNode data = Json.MAPPER.readTree(event.data());
      assertEquals(topic, data.get("topic").asText());
      assertEquals(0, data.get("partition").asInt());
      assertEquals(1, data.get("offset").asLong(), "the record produced before the stream is not sent");
      assertEquals(1234L, data.get("timestamp").asLong());
      assertEquals("CREATE_TIME", data.get("timestamp_type").asText());
      assertEquals(b64("k"), data.get("key").asText());
      assertEquals(b64("v1"), data.get("value").asText());
      assertEquals(2, data.get("headers").size(), "repeated header names are kept");
      assertEquals("h", data.get("headers").get(1).get("name").asText());
      assertEquals(b64("b"), data.get("headers").get(1).get("value").asText());
      assertEquals("0:2", event.id());
    }
  }

  @Test
  void resumedOnAnotherNodeGetsExactlyTheRestAcrossThreePartitions() throws Exception {
    String topic = Topics.create(SharedKafka.bootstrapServers(), 3);
    Set<String> all = new HashSet<>();
    for (int i = 0; i < 30; i++) {
      int partition = i % 3;
      long offset = send(topic, partition, "r" + i);
      all.add(partition + "/" + offset);
    }
    Set<String> seen = new HashSet<>();
    Set<Integer> partitionsSeen = new HashSet<>();
    String lastId;
    try (Stream stream = open(rest, "/topics/" + topic + "/events?start=earliest")) {
      Item event = null;
      for (int i = 0; i < 10; i++) {
        event = stream.events.nextEvent(WAIT);
        JsonNode data = Json.MAPPER.readTree(event.data());
        assertTrue(seen.add(data.get("partition").asInt() + "/" + data.get("offset").asLong()), event::toString);
        partitionsSeen.add(data.get("partition").asInt());
        assertEquals(3, EventId.parse(event.id()).positions().size(), "the id covers every partition");
      }
      lastId = event.id();
    } // cut after 10 events
    try (Stream stream = open(otherNode, "/topics/" + topic + "/events?start=earliest", "Last-Event-ID", lastId)) {
      while (seen.size() < 30) {
        Item event = stream.events.nextEvent(WAIT);
        JsonNode data = Json.MAPPER.readTree(event.data());
        String key = data.get("partition").asInt() + "/" + data.get("offset").asLong();
        assertTrue(seen.add(key), () -> "duplicate " + key);
        partitionsSeen.add(data.get("partition").asInt());
      }
      assertEquals(all, seen, "no gap");
      assertEquals(Set.of(0, 1, 2), partitionsSeen);
      // Nothing more: only keep-alive comments follow.
      Item after = stream.events.next(WAIT);
      assertTrue(after.isComment(), after::toString);
    }
  }

  @Test
  void anIdleTopicGetsKeepAliveComments() throws Exception {
    String topic = Topics.create(SharedKafka.bootstrapServers(), 1);
    try (Stream stream = open(rest, "/topics/" + topic + "/events")) {
      assertTrue(stream.events.next(WAIT).isComment()); // the opening comment
      Item keepAlive = stream.events.next(WAIT);
      assertEquals("keep-alive", keepAlive.comment());
      assertEquals("keep-alive", stream.events.next(WAIT).comment());
    }
  }

  @Test
  void aClientThatLeavesFreesTheConsumerAndTheSlot() throws Exception {
    String topic = Topics.create(SharedKafka.bootstrapServers(), 1);
    awaitEquals(0, rest::eventStreamConsumers);
    awaitEquals(0, otherNode::eventStreamConsumers);
    int kafkaConsumersBefore = kafkaConsumers();
    Stream stream = open(rest, "/topics/" + topic + "/events");
    try {
      send(topic, 0, "one");
      assertNotNull(stream.events.nextEvent(WAIT));
      assertEquals(1, rest.eventStreamConsumers());
      assertTrue(kafkaConsumers() > kafkaConsumersBefore, "the stream's consumer is counted");
    } finally {
      stream.close();
    }
    awaitEquals(0, rest::eventStreamConsumers);
    awaitEquals(0, rest::activeEventStreams);
    assertEquals(kafkaConsumersBefore, kafkaConsumers(), "the Kafka consumer is closed");
  }

  @Test
  void oneStreamMoreThanTheLimitIs429() throws Exception {
    String topic = Topics.create(SharedKafka.bootstrapServers(), 1);
    awaitEquals(0, rest::activeEventStreams);
    try (Stream a = open(rest, "/topics/" + topic + "/events"); Stream b = open(rest, "/topics/" + topic + "/events")) {
      RestResponse third = call(rest, "/topics/" + topic + "/events");
      assertEquals(429, third.status());
      assertEquals(429, Json.MAPPER.readTree(third.bodyAsString()).get("error_code").asInt());
    }
    awaitEquals(0, rest::activeEventStreams);
    try (Stream again = open(rest, "/topics/" + topic + "/events")) {
      assertTrue(again.events.next(WAIT).isComment(), "a slot is free again");
    }
  }

  @Test
  void refusalsComeBeforeTheStream() throws Exception {
    String topic = Topics.create(SharedKafka.bootstrapServers(), 2);
    String path = "/topics/" + topic + "/events";
    awaitEquals(0, rest::activeEventStreams); // earlier tests' streams end at their next keep-alive
    assertError(call(rest, path, "Last-Event-ID", "0:x"), 400, 400);
    assertError(call(rest, path, "Last-Event-ID", "0:1,0:2"), 400, 400);
    assertError(call(rest, path + "?partitions=0", "Last-Event-ID", "1:5"), 400, 400);
    assertError(call(rest, path + "?start=yesterday"), 400, 400);
    assertError(call(rest, path + "?partitions=a"), 400, 400);
    assertError(call(rest, path + "?partitions=7"), 404, 40402);
    assertError(call(rest, path + "?format=xml"), 400, 400);
    assertError(call(rest, path + "?format=avro"), 422, 42206); // no Schema Registry configured
    assertError(call(rest, "/topics/no-such-topic-" + System.nanoTime() + "/events"), 404, 40401);
    assertError(call(rest, path, "Accept", "application/json"), 406, 406);
    assertEquals(0, rest.activeEventStreams(), "no refusal holds a slot");
  }

  @Test
  void closingTheProxyEndsItsStreamsAndClosesTheirConsumers() throws Exception {
    String topic = Topics.create(SharedKafka.bootstrapServers(), 1);
    KafkaRest node = KafkaRest.create(config().set(KafkaRestConfig.EVENTS_KEEPALIVE_MS, "60000").build());
    awaitEquals(0, rest::eventStreamConsumers); // earlier tests' streams end at their next keep-alive
    awaitEquals(0, otherNode::eventStreamConsumers);
    int before = kafkaConsumers();
    try (Stream stream = open(node, "/topics/" + topic + "/events")) {
      send(topic, 0, "one");
      assertNotNull(stream.events.nextEvent(WAIT));
      assertEquals(1, node.eventStreamConsumers());
      node.close(); // while the stream waits in poll, with no keep-alive due for a minute
      assertNull(stream.events.nextEvent(WAIT), "the answer ends");
      awaitEquals(0, node::eventStreamConsumers);
      awaitEquals(0, node::activeEventStreams);
      awaitEquals(before, TopicEventsTest::kafkaConsumersUnchecked);
    }
  }

  private static int kafkaConsumersUnchecked() {
    try {
      return kafkaConsumers();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void theAccessPolicyAppliesBeforeTheStream() throws Exception {
    String topic = Topics.create(SharedKafka.bootstrapServers(), 1);
    try (KafkaRest guarded = KafkaRest.builder(config().build())
        .accessPolicy((principal, operation, resource) -> !(operation == Operation.CONSUME
            && resource.name().equals(topic)))
        .build()) {
      assertError(call(guarded, "/topics/" + topic + "/events"), 403, 40301);
      assertEquals(0, guarded.activeEventStreams());
    }
  }

  @Test
  void aRecordTheFormatCannotDecodeIsAnErrorEventAndTheStreamGoesOn() throws Exception {
    String topic = Topics.create(SharedKafka.bootstrapServers(), 1);
    send(topic, 0, "{\"ok\":1}");
    send(topic, 0, "not json");
    send(topic, 0, "{\"ok\":3}");
    try (Stream stream = open(rest, "/topics/" + topic + "/events?format=json&start=earliest&partitions=0")) {
      Item first = stream.events.nextEvent(WAIT);
      assertEquals(1, Json.MAPPER.readTree(first.data()).get("value").get("ok").asInt());
      Item bad = stream.events.nextEvent(WAIT);
      assertEquals("record-error", bad.event());
      JsonNode error = Json.MAPPER.readTree(bad.data());
      assertEquals(1, error.get("offset").asLong());
      assertEquals(40801, error.get("error_code").asInt(), bad::toString);
      assertEquals("0:2", bad.id());
      Item third = stream.events.nextEvent(WAIT);
      assertEquals(3, Json.MAPPER.readTree(third.data()).get("value").get("ok").asInt());
    }
  }

  @Test
  void aTimestampStartBeginsAtTheFirstRecordAtOrAfterIt() throws Exception {
    String topic = Topics.create(SharedKafka.bootstrapServers(), 1);
    producer.send(new ProducerRecord<>(topic, 0, 1000L, null, bytes("old"))).get();
    producer.send(new ProducerRecord<>(topic, 0, 5000L, null, bytes("new"))).get();
    try (Stream stream = open(rest, "/topics/" + topic + "/events?start=1970-01-01T00:00:03Z")) {
      JsonNode data = Json.MAPPER.readTree(stream.events.nextEvent(WAIT).data());
      assertEquals(b64("new"), data.get("value").asText());
    }
  }

  @Test
  void aConsumerInstanceStreamsItsRecordsInItsFormat() throws Exception {
    String topic = Topics.create(SharedKafka.bootstrapServers(), 1);
    send(topic, 0, "{\"n\":1}");
    send(topic, 0, "{\"n\":2}");
    dev.kafkarest.testing.DirectCalls calls = new dev.kafkarest.testing.DirectCalls(rest);
    String group = "events-" + System.nanoTime();
    var created = calls.post("/consumers/" + group, "application/vnd.kafka.v2+json",
        "{\"format\":\"json\",\"auto.offset.reset\":\"earliest\"}");
    assertEquals(200, created.status(), created.body());
    String path = "/consumers/" + group + "/instances/" + created.json().get("instance_id").asText();
    assertEquals(204, calls.post(path + "/subscription", "application/vnd.kafka.v2+json",
        "{\"topics\":[\"" + topic + "\"]}").status());
    awaitEquals(0, rest::activeEventStreams);
    try (Stream stream = open(rest, path + "/records")) {
      Item first = stream.events.nextEvent(WAIT);
      assertEquals(1, Json.MAPPER.readTree(first.data()).get("value").get("n").asInt(), first::toString);
      assertEquals(topic + ":0:1", first.id());
      send(topic, 0, "{\"n\":3}");
      assertEquals(2, Json.MAPPER.readTree(stream.events.nextEvent(WAIT).data()).get("value").get("n").asInt());
      Item third = stream.events.nextEvent(WAIT);
      assertEquals(3, Json.MAPPER.readTree(third.data()).get("value").get("n").asInt());
      assertEquals(topic + ":0:3", third.id());
    }
    awaitEquals(0, rest::activeEventStreams);
    // Without the event-stream type, the same path answers as v2 always did.
    assertEquals(200, calls.call("GET", path + "/records?timeout=10", null, null, "Accept",
        "application/vnd.kafka.json.v2+json").status());
    assertEquals(204, calls.call("DELETE", path, "application/vnd.kafka.v2+json", null).status());
  }

  // ---- helpers ----

  /** A stream written into a pipe by the proxy's own thread, as a binding would. */
  private record Stream(EventStreamClient events) implements AutoCloseable {
    @Override
    public void close() throws IOException {
      events.close();
    }
  }

  private static Stream open(KafkaRest node, String path, String... headers) throws Exception {
    RestResponse response = call(node, path, headers);
    assertEquals(200, response.status(), response::bodyAsString);
    assertEquals("text/event-stream", response.contentType());
    StreamingBody body = (StreamingBody) response.body();
    PipedInputStream in = new PipedInputStream(16 * 1024);
    PipedOutputStream out = new PipedOutputStream(in);
    body.dispatch(() -> {
      try (out) {
        body.writeTo(out);
      } catch (IOException e) {
        // the reader closed the pipe: the client went away
      }
    });
    return new Stream(EventStreamClient.of(in));
  }

  private static RestResponse call(KafkaRest node, String path, String... headers) throws Exception {
    Map<String, List<String>> h = new LinkedHashMap<>();
    h.put("Accept", List.of("text/event-stream"));
    for (int i = 0; i < headers.length; i += 2) {
      h.put(headers[i], List.of(headers[i + 1]));
    }
    int q = path.indexOf('?');
    Map<String, List<String>> query = new LinkedHashMap<>();
    if (q >= 0) {
      for (String pair : path.substring(q + 1).split("&")) {
        int eq = pair.indexOf('=');
        query.computeIfAbsent(pair.substring(0, eq), k -> new ArrayList<>()).add(pair.substring(eq + 1));
      }
    }
    RestRequest request = RestRequest.builder("GET", q < 0 ? path : path.substring(0, q))
        .query(query).headers(Headers.of(h)).build();
    return node.handle(request).toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static void assertError(RestResponse response, int status, int code) throws IOException {
    String body = response.bodyAsString();
    assertEquals(status, response.status(), body);
    assertEquals(code, Json.MAPPER.readTree(body).get("error_code").asInt(), body);
  }

  private long send(String topic, int partition, String value) throws Exception {
    return producer.send(new ProducerRecord<>(topic, partition, null, bytes(value))).get().offset();
  }

  /** Kafka consumers alive in this JVM: each registers an app-info MBean until it is closed. */
  private static int kafkaConsumers() throws Exception {
    return ManagementFactory.getPlatformMBeanServer()
        .queryNames(new ObjectName("kafka.consumer:type=app-info,*"), null).size();
  }

  private static void awaitEquals(int expected, IntSupplier actual) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (actual.getAsInt() != expected && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertEquals(expected, actual.getAsInt());
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static String b64(String text) {
    return Base64.getEncoder().encodeToString(bytes(text));
  }
}
