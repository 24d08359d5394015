package dev.kafkarest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kafkarest.error.Errors;
import dev.kafkarest.http.MediaTypes;
import dev.kafkarest.kafka.KafkaClients;
import dev.kafkarest.testing.DirectCalls;
import dev.kafkarest.testing.DirectCalls.Reply;
import dev.kafkarest.testing.MovableClock;
import dev.kafkarest.testing.SharedKafka;
import dev.kafkarest.testing.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The v2 consumer API against a real broker, through {@link KafkaRest#handle}. */
@ExtendWith(SharedKafka.class)
class ConsumersTest {
  private static final String V2 = MediaTypes.V2;
  private static KafkaRest rest;
  private static DirectCalls calls;

  @BeforeAll
  static void start() {
    rest = KafkaRest.create(config().build());
    calls = new DirectCalls(rest);
  }

  @AfterAll
  static void stop() {
    rest.close();
  }

  static KafkaRestConfig.Builder config() {
    return KafkaRestConfig.builder().bootstrapServers(SharedKafka.bootstrapServers())
        .set("consumer.metadata.max.age.ms", "1000");
  }

  private static String group() {
    return "g-" + UUID.randomUUID();
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  static String instancePath(String group, String name) {
    return "/consumers/" + group + "/instances/" + name;
  }

  private static String create(DirectCalls c, String group, String body) {
    Reply r = c.post("/consumers/" + group, V2, body);
    assertEquals(200, r.status(), r.body());
    return r.json().get("instance_id").asText();
  }

  /** A new instance in the group, subscribed to the topic and reading it from the beginning; returns its path. */
  private static String subscribedFromEarliest(String group, String topic) {
    String path = instancePath(group, create(calls, group, "{\"auto.offset.reset\":\"earliest\"}"));
    calls.post(path + "/subscription", V2, "{\"topics\":[\"" + topic + "\"]}");
    return path;
  }

  private static void produceBinary(String topic, int partition, String... values) {
    StringBuilder body = new StringBuilder("{\"records\":[");
    for (int i = 0; i < values.length; i++) {
      body.append(i == 0 ? "" : ",").append("{\"key\":\"").append(b64("k-" + values[i])).append("\",\"value\":\"")
          .append(b64(values[i])).append("\",\"partition\":").append(partition).append('}');
    }
    Reply r = calls.post("/topics/" + topic, MediaTypes.BINARY_V2, body.append("]}").toString());
    assertEquals(200, r.status(), r.body());
  }

  /** Reads until {@code expected} records arrived (or 20 s passed); asserts no record came twice. */
  static List<JsonNode> readRecords(DirectCalls c, String path, String accept, int expected) {
    List<JsonNode> out = new ArrayList<>();
    long deadline = System.currentTimeMillis() + 20_000;
    while (out.size() < expected && System.currentTimeMillis() < deadline) {
      Reply r = c.call("GET", path + "/records?timeout=500", null, null, "Accept", accept);
      assertEquals(200, r.status(), r.body());
      r.json().forEach(out::add);
    }
    return out;
  }

  private static List<String> values(List<JsonNode> records) {
    List<String> out = new ArrayList<>();
    records.forEach(r -> out.add(new String(Base64.getDecoder().decode(r.get("value").asText()),
        StandardCharsets.UTF_8)));
    return out;
  }

  private static java.util.Set<javax.management.ObjectName> consumerMetricsInJmx(String group) {
    try {
      return java.lang.management.ManagementFactory.getPlatformMBeanServer().queryNames(
          new javax.management.ObjectName("kafka.consumer:type=consumer-metrics,client-id=*" + group + "*"), null);
    } catch (javax.management.MalformedObjectNameException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Kafka clients as usual, with each instance's consumer passed through {@code wrap} when it is built. */
  private static KafkaClients withConsumers(UnaryOperator<Consumer<byte[], byte[]>> wrap) {
    KafkaClients standard = KafkaClients.standard();
    return new KafkaClients() {
      @Override
      public Producer<byte[], byte[]> producer(Map<String, Object> properties) {
        return standard.producer(properties);
      }

      @Override
      public Consumer<byte[], byte[]> consumer(Map<String, Object> properties) {
        return wrap.apply(standard.consumer(properties));
      }

      @Override
      public Admin admin(Map<String, Object> properties) {
        return standard.admin(properties);
      }
    };
  }

  /**
   * A Kafka consumer call can block (a rebalance commits inside poll), so a read must never make one on the
   * caller's (container) thread: only records already buffered are answered there.
   */
  @Test
  void readsNeverCallTheKafkaConsumerOnTheCallersThread() {
    Thread caller = Thread.currentThread();
    java.util.Set<String> onCaller = java.util.concurrent.ConcurrentHashMap.newKeySet();
    KafkaClients watched = withConsumers(real -> {
      @SuppressWarnings("unchecked")
      Consumer<byte[], byte[]> proxy = (Consumer<byte[], byte[]>) java.lang.reflect.Proxy.newProxyInstance(
          Consumer.class.getClassLoader(), new Class<?>[] {Consumer.class}, (self, method, args) -> {
            if (Thread.currentThread() == caller) {
              onCaller.add(method.getName());
            }
            try {
              return method.invoke(real, args);
            } catch (java.lang.reflect.InvocationTargetException e) {
              throw e.getCause();
            }
          });
      return proxy;
    });
    String topic = Topics.create(SharedKafka.bootstrapServers(), 1);
    produceBinary(topic, 0, "v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9");
    try (KafkaRest watchedRest = KafkaRest.builder(config().build()).clients(watched).build()) {
      DirectCalls c = new DirectCalls(watchedRest);
      String group = group();
      String path = instancePath(group,
          create(c, group, "{\"format\":\"binary\",\"auto.offset.reset\":\"earliest\"}"));
      assertEquals(204, c.post(path + "/subscription", V2, "{\"topics\":[\"" + topic + "\"]}").status());
      // Small answers, so that later reads find records buffered and are answered on this thread.
      List<String> values = new ArrayList<>();
      long deadline = System.currentTimeMillis() + 20_000;
      while (values.size() < 10 && System.currentTimeMillis() < deadline) {
        Reply r = c.call("GET", path + "/records?timeout=500&max_bytes=20", null, null,
            "Accept", MediaTypes.BINARY_V2);
        assertEquals(200, r.status(), r.body());
        r.json().forEach(n -> values.add(new String(Base64.getDecoder().decode(n.get("value").asText()),
            StandardCharsets.UTF_8)));
      }
      assertEquals(List.of("v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9"), values);
      assertEquals(204, c.call("DELETE", path, null, null).status());
      assertTrue(onCaller.isEmpty(), "Kafka consumer calls on the caller's thread: " + onCaller);
    }
  }

  @Test
  void theKafkaConsumerIsBuiltAtTheFirstCallWhileBadSettingsStillFailTheCreate() {
    AtomicInteger built = new AtomicInteger();
    KafkaClients counting = withConsumers(consumer -> {
      built.incrementAndGet();
      return consumer;
    });
    String topic = Topics.create(SharedKafka.bootstrapServers(), 1);
    try (KafkaRest lazy = KafkaRest.builder(config().build()).clients(counting).build()) {
      DirectCalls c = new DirectCalls(lazy);
      String group = group();
      create(c, group, "{\"name\":\"unused\",\"format\":\"binary\"}");
      create(c, group, "{\"name\":\"used\",\"format\":\"binary\"}");
      assertEquals(0, built.get(), "an instance nobody has called yet holds no Kafka consumer");
      assertEquals(204, c.post(instancePath(group, "used") + "/subscription", V2,
          "{\"topics\":[\"" + topic + "\"]}").status());
      assertEquals(1, built.get());
      assertTrue(consumerMetricsInJmx(group).isEmpty(), "instance metrics stay out of JMX by default");
      assertEquals(204, c.call("DELETE", instancePath(group, "unused"), null, null).status());
      assertEquals(204, c.call("DELETE", instancePath(group, "used"), null, null).status());
      assertEquals(1, built.get());
    }
    try (KafkaRest misconfigured = KafkaRest.create(config().set("consumer.max.poll.records", "many").build())) {
      Reply r = new DirectCalls(misconfigured).post("/consumers/" + group(), V2, "{\"format\":\"binary\"}");
      assertEquals(500, r.status(), r.body());
      assertEquals(Errors.KAFKA_ERROR, r.json().get("error_code").asInt());
      assertFalse(r.body().contains("many"), "the proxy's configuration is not echoed: " + r.body());
    }
  }

  @Test
  void binaryLifeCycleCommitAndResume() {
    String topic = Topics.create(SharedKafka.bootstrapServers(), 1);
    String group = group();
    Reply created = calls.post("/consumers/" + group, V2,
        "{\"name\":\"one\",\"format\":\"binary\",\"auto.offset.reset\":\"earliest\",\"auto.commit.enable\":\"false\"}");
    assertEquals(200, created.status(), created.body());
    assertEquals("one", created.json().get("instance_id").asText());
    assertEquals("http://proxy.test/kafka/consumers/" + group + "/instances/one",
        created.json().get("base_uri").asText());
    String path = instancePath(group, "one");

    assertEquals(204, calls.post(path + "/subscription", V2, "{\"topics\":[\"" + topic + "\"]}").status());
    assertEquals(topic, calls.get(path + "/subscription").json().get("topics").get(0).asText());
    produceBinary(topic, 0, "a", "b", "c", "d", "e");

    List<JsonNode> first = readRecords(calls, path, MediaTypes.BINARY_V2, 5);
    assertEquals(List.of("a", "b", "c", "d", "e"), values(first));
    JsonNode r0 = first.get(0);
    assertEquals(topic, r0.get("topic").asText());
    assertEquals("k-a", new String(Base64.getDecoder().decode(r0.get("key").asText()), StandardCharsets.UTF_8));
    assertEquals(0, r0.get("partition").asInt());
    assertEquals(0, r0.get("offset").asLong());

    // Commit with a body: the proxy commits offset + 1, and GET offsets shows the raw committed offset.
    Reply commit = calls.post(path + "/offsets", V2,
        "{\"offsets\":[{\"topic\":\"" + topic + "\",\"partition\":0,\"offset\":2}]}");
    assertEquals(200, commit.status(), commit.body());
    assertEquals("[]", commit.body());
    JsonNode committed = calls.call("GET", path + "/offsets", V2,
        "{\"partitions\":[{\"topic\":\"" + topic + "\",\"partition\":0}]}").json().get("offsets");
    assertEquals(3, committed.get(0).get("offset").asLong());

    assertEquals(204, calls.call("DELETE", path, null, null).status());
    Reply gone = calls.get(path + "/subscription");
    assertEquals(404, gone.status());
    assertEquals(40403, gone.json().get("error_code").asInt());

    // A second instance of the group resumes after the committed offset.
    create(calls, group, "{\"name\":\"two\",\"auto.offset.reset\":\"earliest\"}");
    String path2 = instancePath(group, "two");
    calls.post(path2 + "/subscription", V2, "{\"topics\":[\"" + topic + "\"]}");
    List<JsonNode> rest2 = readRecords(calls, path2, MediaTypes.BINARY_V2, 2);
    assertEquals(List.of("d", "e"), values(rest2));

    // Commit without a body commits everything returned so far.
    assertEquals("[]", calls.post(path2 + "/offsets", V2, null).body());
    assertEquals(5, calls.call("GET", path2 + "/offsets", V2,
        "{\"partitions\":[{\"topic\":\"" + topic + "\",\"partition\":0}]}").json()
        .get("offsets").get(0).get("offset").asLong());
    calls.call("DELETE", path2, null, null);
  }

  @Test
  void jsonRoundTripAndFormatNegotiation() {
    String topic = Topics.create(SharedKafka.bootstrapServers(), 1);
    String group = group();
    String name = create(calls, group, "{\"format\":\"JSON\",\"auto.offset.reset\":\"earliest\"}");
    assertTrue(name.startsWith("rest-consumer-"), name);
    String path = instancePath(group, name);
    calls.post(path + "/subscription", V2, "{\"topics\":[\"" + topic + "\"]}");
    calls.post("/topics/" + topic, MediaTypes.JSON_V2,
        "{\"records\":[{\"key\":\"k\",\"value\":{\"n\":1.50,\"list\":[1,null]}},{\"value\":null}]}");

    Reply wrong = calls.call("GET", path + "/records", null, null, "Accept", MediaTypes.BINARY_V2);
    assertEquals(406, wrong.status());
    assertEquals(40601, wrong.json().get("error_code").asInt());
    assertEquals(406, calls.call("GET", path + "/records", null, null).status(), "no Accept means binary");
    assertEquals(406, calls.call("GET", path + "/records", null, null, "Accept", "application/json").status());

    List<JsonNode> records = readRecords(calls, path, MediaTypes.JSON_V2, 2);
    assertEquals("{\"n\":1.50,\"list\":[1,null]}", records.get(0).get("value").toString()
        .replace("1.5,", "1.50,").replace("1.5}", "1.50}"));
    assertEquals("k", records.get(0).get("key").asText());
    assertTrue(records.get(1).get("value").isNull());
    Reply answer = calls.call("GET", path + "/records?timeout=100", null, null, "Accept", MediaTypes.JSON_V2);
    assertEquals(MediaTypes.JSON_V2, answer.contentType());
    calls.call("DELETE", path, null, null);
  }

  @Test
  void nonJsonBytesInAJsonConsumerGive40801WhenNextInLineAndAreNotSkipped() {
    String topic = Topics.create(SharedKafka.bootstrapServers(), 1);
    calls.post("/topics/" + topic, MediaTypes.JSON_V2, "{\"records\":[{\"value\":{\"ok\":1}}]}");
    produceBinary(topic, 0, "not json at all");
    String group = group();
    String name = create(calls, group, "{\"format\":\"json\",\"auto.offset.reset\":\"earliest\"}");
    String path = instancePath(group, name);
    calls.post(path + "/subscription", V2, "{\"topics\":[\"" + topic + "\"]}");
    List<JsonNode> good = new ArrayList<>();
    Reply r = null;
    long deadline = System.currentTimeMillis() + 20_000;
    while (System.currentTimeMillis() < deadline) {
      r = calls.call("GET", path + "/records?timeout=500", null, null, "Accept", MediaTypes.JSON_V2);
      if (r.status() != 200) {
        break;
      }
      r.json().forEach(good::add);
    }
    assertEquals(1, good.size(), "the good record before the bad one is returned");
    assertEquals(1, good.get(0).get("value").get("ok").asInt());
    assertEquals(408, r.status(), r.body());
    assertEquals(40801, r.json().get("error_code").asInt());
    // The bad record stays first in line: the client decides (for example by seeking past it).
    Reply again = calls.call("GET", path + "/records?timeout=500", null, null, "Accept", MediaTypes.JSON_V2);
    assertEquals(408, again.status());
    calls.call("DELETE", path, null, null);
  }

  @Test
  void createErrors() {
    String group = group();
    create(calls, group, "{\"name\":\"dup\"}");
    assertError(calls.post("/consumers/" + group, V2, "{\"name\":\"dup\"}"), 409, 40902);
    assertError(calls.post("/consumers/" + group, V2, "{\"auto.offset.reset\":\"sometimes\"}"), 422, 42204);
    // Passes the shape check, but is no ISO-8601 duration: refused here, not by Kafka at the instance's first call.
    assertError(calls.post("/consumers/" + group, V2, "{\"auto.offset.reset\":\"by_duration:PXYZ\"}"), 422, 42204);
    assertEquals(200, calls.post("/consumers/" + group, V2, "{\"name\":\"by-duration\",\"auto.offset.reset\":"
        + "\"by_duration:PT1H\"}").status());
    assertError(calls.post("/consumers/" + group, V2, "{\"format\":\"xml\"}"), 422, 422);
    assertError(calls.post("/consumers/" + group, V2, "{\"fetch.min.bytes\":20000000}"), 422, 40001);
    assertError(calls.post("/consumers/" + group, V2, "{\"colour\":\"red\"}"), 422, 422);
    assertError(calls.post("/consumers/" + group, V2, "{\"name\":\"a/b\"}"), 422, 422);
    assertError(calls.post("/consumers/" + group, V2, "{\"name\":"), 400, 400);
    assertError(calls.post("/consumers/" + group, "text/plain", "{}"), 415, 415);
    assertEquals(200, calls.post("/consumers/" + group, null, null).status(), "an absent body means defaults");
    assertEquals(200, calls.post("/consumers/" + group, MediaTypes.JSON_V2, "").status());
    assertError(calls.call("DELETE", instancePath(group, "nobody"), null, null), 404, 40403);
    assertError(calls.get(instancePath(group, "nobody") + "/records"), 404, 40403);
    calls.call("DELETE", instancePath(group, "dup"), null, null);
  }

  @Test
  void assignSeekAndStateErrors() throws Exception {
    String topic = Topics.create(SharedKafka.bootstrapServers(), 2);
    produceBinary(topic, 1, "p0", "p1", "p2", "p3", "p4");
    String group = group();
    String path = instancePath(group, create(calls, group, "{}"));
    String partition1 = "{\"partitions\":[{\"topic\":\"" + topic + "\",\"partition\":1}]}";

    assertError(calls.post(path + "/positions/beginning", V2, partition1), 409, 40903);
    assertEquals(204, calls.post(path + "/assignments", V2, partition1).status());
    JsonNode assigned = calls.get(path + "/assignments").json().get("partitions");
    assertEquals(topic, assigned.get(0).get("topic").asText());
    assertEquals(1, assigned.get(0).get("partition").asInt());
    assertError(calls.post(path + "/subscription", V2, "{\"topics\":[\"" + topic + "\"]}"), 409, 40903);

    assertEquals(204, calls.post(path + "/positions", V2,
        "{\"offsets\":[{\"topic\":\"" + topic + "\",\"partition\":1,\"offset\":3}]}").status());
    assertEquals(List.of("p3", "p4"), values(readRecords(calls, path, MediaTypes.BINARY_V2, 2)));

    assertEquals(204, calls.post(path + "/positions/beginning", V2, partition1).status());
    assertEquals(List.of("p0", "p1", "p2", "p3", "p4"), values(readRecords(calls, path, MediaTypes.BINARY_V2, 5)));

    assertEquals(204, calls.post(path + "/positions/end", V2, partition1).status());
    produceBinary(topic, 1, "after-end");
    assertEquals(List.of("after-end"), values(readRecords(calls, path, MediaTypes.BINARY_V2, 1)));

    // Seek by time: everything so far is older than this instant, so the next record is the one produced after it.
    Thread.sleep(20);
    String now = Instant.now().toString();
    Thread.sleep(20);
    produceBinary(topic, 1, "newest");
    assertEquals(204, calls.post(path + "/positions", V2,
        "{\"timestamps\":[{\"topic\":\"" + topic + "\",\"partition\":1,\"timestamp\":\"" + now + "\"}]}").status());
    assertEquals(List.of("newest"), values(readRecords(calls, path, MediaTypes.BINARY_V2, 1)));

    assertError(calls.post(path + "/positions", V2,
        "{\"offsets\":[{\"topic\":\"" + topic + "\",\"partition\":0,\"offset\":0}]}"), 409, 40903);
    assertError(calls.post(path + "/positions", V2,
        "{\"timestamps\":[{\"topic\":\"" + topic + "\",\"partition\":1,\"timestamp\":\"yesterday\"}]}"), 400, 400);
    calls.call("DELETE", path, null, null);

    String other = instancePath(group, create(calls, group, "{}"));
    calls.post(other + "/subscription", V2, "{\"topic_pattern\":\"" + topic.substring(0, 10) + ".*\"}");
    assertError(calls.post(other + "/assignments", V2, partition1), 409, 40903);
    assertEquals(204, calls.call("DELETE", other + "/subscription", null, null).status());
    assertEquals(0, calls.get(other + "/subscription").json().get("topics").size());
    calls.call("DELETE", other, null, null);
  }

  @Test
  void maxBytesKeepsTheRestForTheNextRead() {
    String topic = Topics.create(SharedKafka.bootstrapServers(), 1);
    String[] values = new String[10];
    for (int i = 0; i < 10; i++) {
      values[i] = ("v" + i + "-").repeat(30).substring(0, 90); // key "k-..." + 90 bytes: about 100 bytes each
    }
    produceBinary(topic, 0, values);
    String group = group();
    String path = subscribedFromEarliest(group, topic);
    List<JsonNode> all = new ArrayList<>();
    long deadline = System.currentTimeMillis() + 20_000;
    while (all.size() < 10 && System.currentTimeMillis() < deadline) {
      JsonNode batch = calls.call("GET", path + "/records?timeout=500&max_bytes=250", null, null).json();
      assertTrue(batch.size() <= 2, "max_bytes=250 allows two records of about 100 bytes: " + batch.size());
      batch.forEach(all::add);
    }
    List<Long> offsets = new ArrayList<>();
    all.forEach(r -> offsets.add(r.get("offset").asLong()));
    assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L), offsets);
    calls.call("DELETE", path, null, null);
  }

  @Test
  void readsAnswerWithinTheirBoundWhenNothingComesAndWhenTheBrokerIsUnreachable() {
    String group = group();
    String topic = Topics.create(SharedKafka.bootstrapServers(), 1);
    String path = instancePath(group, create(calls, group, "{}"));
    calls.post(path + "/subscription", V2, "{\"topics\":[\"" + topic + "\"]}");
    assertAnswersWithin(calls, path + "/records?timeout=700", 700);
    // timeout can shorten the wait, never lengthen it past consumer.request.timeout.ms (1000 by default)
    assertAnswersWithin(calls, path + "/records?timeout=60000", 1000);

    try (KafkaRest nowhere = KafkaRest.create(KafkaRestConfig.builder().bootstrapServers("127.0.0.1:1").build())) {
      DirectCalls c = new DirectCalls(nowhere);
      String p = instancePath("g", create(c, "g", "{\"consumer.request.timeout.ms\":600}"));
      c.post(p + "/subscription", V2, "{\"topics\":[\"t\"]}");
      assertAnswersWithin(c, p + "/records", 600);
    }
  }

  @Test
  void readDuringARebalanceAnswersWithinItsBound() throws Exception {
    String topic = Topics.create(SharedKafka.bootstrapServers(), 2);
    String group = group();
    String a = instancePath(group, create(calls, group, "{\"auto.offset.reset\":\"earliest\"}"));
    calls.post(a + "/subscription", V2, "{\"topics\":[\"" + topic + "\"]}");
    readRecords(calls, a, MediaTypes.BINARY_V2, 0);
    calls.get(a + "/records?timeout=1000");
    String b = instancePath(group, create(calls, group, "{\"auto.offset.reset\":\"earliest\"}"));
    calls.post(b + "/subscription", V2, "{\"topics\":[\"" + topic + "\"]}");
    // b joining forces a rebalance; reads on both must keep their bound meanwhile
    for (int i = 0; i < 4; i++) {
      assertAnswersWithin(calls, b + "/records?timeout=800", 800);
      assertAnswersWithin(calls, a + "/records?timeout=800", 800);
    }
    calls.call("DELETE", a, null, null);
    calls.call("DELETE", b, null, null);
  }

  @Test
  void anIdleMemberDoesNotStallItsGroup() {
    String topic = Topics.create(SharedKafka.bootstrapServers(), 2);
    produceBinary(topic, 0, "p0-a", "p0-b");
    produceBinary(topic, 1, "p1-a", "p1-b");
    String group = group();
    String idle = instancePath(group, create(calls, group, "{\"auto.offset.reset\":\"earliest\"}"));
    calls.post(idle + "/subscription", V2, "{\"topics\":[\"" + topic + "\"]}");
    assertEquals(4, readRecords(calls, idle, MediaTypes.BINARY_V2, 4).size(), "first member owns both partitions");
    // From here on nobody reads the first member. The second one must still get its share promptly.
    String late = instancePath(group, create(calls, group, "{\"auto.offset.reset\":\"earliest\"}"));
    calls.post(late + "/subscription", V2, "{\"topics\":[\"" + topic + "\"]}");
    long start = System.nanoTime();
    long deadline = System.currentTimeMillis() + 15_000;
    while (calls.get(late + "/assignments").json().get("partitions").isEmpty() && System.currentTimeMillis() < deadline) {
      calls.get(late + "/records?timeout=300");
    }
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertEquals(1, calls.get(late + "/assignments").json().get("partitions").size(), "after " + millis + " ms");
    calls.call("DELETE", idle, null, null);
    calls.call("DELETE", late, null, null);
  }

  private static void assertAnswersWithin(DirectCalls c, String path, long boundMs) {
    long start = System.nanoTime();
    Reply r = c.call("GET", path, null, null);
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertEquals(200, r.status(), r.body());
    assertTrue(millis <= boundMs + 500, "answered after " + millis + " ms, bound " + boundMs);
  }

  @Test
  void concurrentCallsToOneInstanceAreSerialized() throws Exception {
    String topic = Topics.create(SharedKafka.bootstrapServers(), 1);
    produceBinary(topic, 0, "x", "y", "z");
    String group = group();
    String path = subscribedFromEarliest(group, topic);
    List<CompletableFuture<Reply>> replies = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      int n = i;
      replies.add(CompletableFuture.supplyAsync(() -> switch (n % 3) {
        case 0 -> calls.get(path + "/records?timeout=300");
        case 1 -> calls.post(path + "/offsets", V2, null);
        default -> calls.get(path + "/assignments");
      }));
    }
    int records = 0;
    for (CompletableFuture<Reply> f : replies) {
      Reply r = f.get(30, TimeUnit.SECONDS);
      assertEquals(200, r.status(), r.body());
      if (r.body().startsWith("[{")) {
        records += r.json().size();
      }
    }
    records += readRecords(calls, path, MediaTypes.BINARY_V2, 3 - records).size();
    assertEquals(3, records, "each record returned exactly once");
    calls.call("DELETE", path, null, null);
  }

  @Test
  void idleInstancesExpireOnTheInjectedClock() throws Exception {
    MovableClock clock = new MovableClock(Instant.parse("2026-01-01T00:00:00Z"));
    try (KafkaRest timed = KafkaRest.builder(config().consumerInstanceTimeoutMs(60_000).build()).clock(clock).build()) {
      DirectCalls c = new DirectCalls(timed);
      String path = instancePath("g", create(c, "g", "{}"));
      clock.advance(Duration.ofMillis(59_000));
      assertEquals(200, c.get(path + "/assignments").status(), "used within the timeout: still there");
      clock.advance(Duration.ofMillis(59_000));
      Thread.sleep(1500);
      assertEquals(200, c.get(path + "/assignments").status(), "each call resets the idle timer");
      clock.advance(Duration.ofMillis(61_000));
      long deadline = System.currentTimeMillis() + 5000;
      Reply r = c.get(path + "/assignments");
      while (r.status() == 200 && System.currentTimeMillis() < deadline) {
        Thread.sleep(100);
        r = c.get(path + "/assignments");
        clock.advance(Duration.ofMillis(61_000));
      }
      assertEquals(404, r.status());
      assertEquals(40403, r.json().get("error_code").asInt());
    }
  }

  @Test
  void instanceLimitRefusesNewOnesAndKeepsOldOnesWorking() {
    try (KafkaRest limited = KafkaRest.create(config().set("consumer.max.instances", "2").build())) {
      DirectCalls c = new DirectCalls(limited);
      String first = instancePath("g", create(c, "g", "{}"));
      create(c, "g", "{}");
      assertError(c.post("/consumers/g", V2, "{}"), 429, 429);
      assertEquals(200, c.get(first + "/assignments").status());
      assertEquals(204, c.call("DELETE", first, null, null).status());
      create(c, "g", "{}");
    }
  }

  @Test
  void concurrentPollAndAnswerSizeLimits() throws Exception {
    String topic = Topics.create(SharedKafka.bootstrapServers(), 1);
    produceBinary(topic, 0, "x".repeat(96), "y".repeat(96), "z".repeat(96));
    KafkaRestConfig limitedConfig = config().set("consumer.max.concurrent.polls", "1")
        .set("consumer.request.max.bytes", "250").set("consumer.request.timeout.ms", "1500").build();
    try (KafkaRest limited = KafkaRest.create(limitedConfig)) {
      DirectCalls c = new DirectCalls(limited);
      String idle = instancePath("g", create(c, "g", "{}"));
      c.post(idle + "/subscription", V2, "{\"topics\":[\"" + Topics.create(SharedKafka.bootstrapServers(), 1) + "\"]}");
      CompletableFuture<Reply> waiting = CompletableFuture.supplyAsync(() -> c.get(idle + "/records"));
      Thread.sleep(300);
      assertError(c.get(idle + "/records"), 429, 429);
      assertEquals(200, waiting.get(10, TimeUnit.SECONDS).status());

      String reader = instancePath("g", create(c, "g", "{\"auto.offset.reset\":\"earliest\"}"));
      c.post(reader + "/subscription", V2, "{\"topics\":[\"" + topic + "\"]}");
      List<JsonNode> all = new ArrayList<>();
      long deadline = System.currentTimeMillis() + 20_000;
      while (all.size() < 3 && System.currentTimeMillis() < deadline) {
        JsonNode batch = c.get(reader + "/records").json();
        assertTrue(batch.size() <= 2, "consumer.request.max.bytes=250 caps an answer at two 100-byte records");
        batch.forEach(all::add);
      }
      assertEquals(3, all.size(), all.toString());
    }
  }

  @Test
  void assignmentAndSubscriptionCallsNeverLoseBufferedRecords() {
    String topic = Topics.create(SharedKafka.bootstrapServers(), 1);
    String[] values = new String[8];
    for (int i = 0; i < values.length; i++) {
      values[i] = "r" + i + "-" + "x".repeat(90);
    }
    produceBinary(topic, 0, values);
    String group = group();
    String path = instancePath(group, create(calls, group, "{}"));
    String partition0 = "{\"partitions\":[{\"topic\":\"" + topic + "\",\"partition\":0}]}";
    calls.post(path + "/assignments", V2, partition0);
    calls.post(path + "/positions/beginning", V2, partition0);
    List<Long> offsets = new ArrayList<>();
    long deadline = System.currentTimeMillis() + 20_000;
    int round = 0;
    while (offsets.size() < values.length && System.currentTimeMillis() < deadline) {
      JsonNode batch = calls.get(path + "/records?timeout=500&max_bytes=250").json();
      batch.forEach(r -> offsets.add(r.get("offset").asLong()));
      // Between reads, calls that change nothing or are refused must not throw away what is buffered.
      if (round++ % 2 == 0) {
        assertError(calls.post(path + "/subscription", V2, "{\"topics\":[\"" + topic + "\"]}"), 409, 40903);
      } else {
        assertEquals(204, calls.post(path + "/assignments", V2, partition0).status());
      }
    }
    assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L), offsets);
    calls.call("DELETE", path, null, null);
  }

  /**
   * Reads answered from the buffer on the caller's thread still auto-commit, while the instance lives on. With an
   * assignment (no group keep-alive polls), only the reads themselves can commit.
   */
  @Test
  void autoCommitHappensDuringReadsThatAreAnsweredFromTheBuffer() throws Exception {
    String topic = Topics.create(SharedKafka.bootstrapServers(), 1);
    produceBinary(topic, 0, "c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8", "c9");
    try (KafkaRest committing = KafkaRest.create(config().set("consumer.auto.commit.interval.ms", "1").build());
         Admin admin = Admin.create(Map.of("bootstrap.servers", SharedKafka.bootstrapServers()))) {
      DirectCalls c = new DirectCalls(committing);
      String group = group();
      String path = instancePath(group,
          create(c, group, "{\"format\":\"binary\",\"auto.offset.reset\":\"earliest\"}"));
      String partition0 = "{\"partitions\":[{\"topic\":\"" + topic + "\",\"partition\":0}]}";
      assertEquals(204, c.post(path + "/assignments", V2, partition0).status());
      int read = 0;
      int beforeLastAnswer = 0;
      long deadline = System.currentTimeMillis() + 20_000;
      while (read < 10 && System.currentTimeMillis() < deadline) {
        Reply r = c.call("GET", path + "/records?timeout=500&max_bytes=20", null, null,
            "Accept", MediaTypes.BINARY_V2);
        assertEquals(200, r.status(), r.body());
        if (!r.json().isEmpty()) {
          beforeLastAnswer = read;
        }
        read += r.json().size();
        Thread.sleep(5); // past auto.commit.interval.ms, so that every answer is due to commit
      }
      assertEquals(10, read);
      assertTrue(beforeLastAnswer >= 6, "several answers, so that most were made from the buffer");
      // No more reads and no delete: only commits made during the reads count. Everything before the last answer
      // must be committed; the last answer may, as with Kafka's own auto-commit, wait for the next interval (an
      // answer made on the pool right after that step's commit is not due yet).
      org.apache.kafka.common.TopicPartition tp = new org.apache.kafka.common.TopicPartition(topic, 0);
      long committed = -1;
      deadline = System.currentTimeMillis() + 10_000;
      while (committed < beforeLastAnswer && System.currentTimeMillis() < deadline) {
        var offsets = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
        committed = offsets.containsKey(tp) && offsets.get(tp) != null ? offsets.get(tp).offset() : -1;
        Thread.sleep(100);
      }
      assertTrue(committed >= beforeLastAnswer, "committed " + committed + ", returned before the last answer "
          + beforeLastAnswer);
    }
  }

  @Test
  void autoCommitNeverWritesAnOlderPositionOverTheClientsCommit() throws Exception {
    String topic = Topics.create(SharedKafka.bootstrapServers(), 1);
    produceBinary(topic, 0, "a", "b", "c");
    String group = group();
    String path = subscribedFromEarliest(group, topic);
    assertEquals(3, readRecords(calls, path, MediaTypes.BINARY_V2, 3).size());
    assertEquals(200, calls.post(path + "/offsets", V2,
        "{\"offsets\":[{\"topic\":\"" + topic + "\",\"partition\":0,\"offset\":999}]}").status());
    assertEquals(204, calls.call("DELETE", path, null, null).status()); // closing auto-commits what it returned
    try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
        java.util.Map.of("bootstrap.servers", SharedKafka.bootstrapServers()))) {
      var committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
      assertEquals(1000, committed.get(new org.apache.kafka.common.TopicPartition(topic, 0)).offset());
    }
  }

  @Test
  void jsonConsumersRefuseRecordsThatAreNotUtf8() {
    String topic = Topics.create(SharedKafka.bootstrapServers(), 1);
    String utf16 = Base64.getEncoder().encodeToString("{\"a\":1}".getBytes(StandardCharsets.UTF_16BE));
    calls.post("/topics/" + topic, MediaTypes.BINARY_V2, "{\"records\":[{\"value\":\"" + utf16 + "\"}]}");
    String group = group();
    String path = instancePath(group, create(calls, group, "{\"format\":\"json\",\"auto.offset.reset\":\"earliest\"}"));
    calls.post(path + "/subscription", V2, "{\"topics\":[\"" + topic + "\"]}");
    Reply r = null;
    long deadline = System.currentTimeMillis() + 20_000;
    while (System.currentTimeMillis() < deadline) {
      r = calls.call("GET", path + "/records?timeout=500", null, null, "Accept", MediaTypes.JSON_V2);
      if (r.status() != 200 || !r.json().isEmpty()) {
        break;
      }
    }
    assertEquals(408, r.status(), r.body());
    assertEquals(40801, r.json().get("error_code").asInt());
    calls.call("DELETE", path, null, null);
  }

  @Test
  void consumerSettingsAreBoundedAndNotEchoedAtLength() {
    Reply reset = calls.post("/consumers/" + group(), V2, "{\"auto.offset.reset\":\"" + "x".repeat(5000) + "\"}");
    assertError(reset, 422, 42204);
    assertTrue(reset.body().length() < 400, reset.body());
    assertError(calls.post("/consumers/" + group(), V2, "{\"consumer.request.timeout.ms\":2000000000}"), 422, 40001);
  }

  @Test
  void idleInstancesHoldNoProxyThreads() {
    try (KafkaRest many = KafkaRest.create(config().build())) {
      DirectCalls c = new DirectCalls(many);
      create(c, "warm-up", "{}");
      int before = Thread.activeCount();
      for (int i = 0; i < 100; i++) {
        create(c, "idle", "{}");
      }
      int after = Thread.activeCount();
      assertTrue(after - before < 5, "threads grew from " + before + " to " + after);
    }
  }

  @Test
  void closingTheProxyClosesItsInstances() {
    KafkaRest closing = KafkaRest.create(config().build());
    DirectCalls c = new DirectCalls(closing);
    String path = instancePath("g", create(c, "g", "{}"));
    closing.close();
    Reply r = c.get(path + "/assignments");
    assertNotEquals(200, r.status());
    assertFalse(r.body().contains("Exception"));
  }

  private static void assertError(Reply reply, int status, int errorCode) {
    assertEquals(status, reply.status(), reply.body());
    assertEquals(errorCode, reply.json().get("error_code").asInt(), reply.body());
  }
}
