package dev.kafkarest.idempotency;

import static dev.kafkarest.idempotency.KeyedCalls.V2_JSON;
import static dev.kafkarest.idempotency.KeyedCalls.call;
import static dev.kafkarest.idempotency.KeyedCalls.records;
import static dev.kafkarest.idempotency.KeyedCalls.v2;
import static dev.kafkarest.idempotency.KeyedCalls.values;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kafkarest.KafkaRest;
import dev.kafkarest.KafkaRestConfig;
import dev.kafkarest.http.Headers;
import dev.kafkarest.http.RestRequest;
import dev.kafkarest.idempotency.KeyedCalls.Answer;
import dev.kafkarest.kafka.KafkaClients;
import dev.kafkarest.testing.MovableClock;
import dev.kafkarest.testing.SharedKafka;
import dev.kafkarest.testing.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** Keyed produce against the real broker, over two proxy nodes that share it. */
@ExtendWith(SharedKafka.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IdempotentProduceTest {
  private final String markerTopic = "_idem_test_" + System.nanoTime();
  private KafkaRest node1;
  private KafkaRest node2;

  @BeforeAll
  void start() throws Exception {
    node1 = node("node-1", Clock.systemUTC());
    node2 = node("node-2", Clock.systemUTC());
  }

  private KafkaRest node(String id, Clock clock) {
    return KafkaRest.builder(config(id)).clock(clock).build();
  }

  private KafkaRestConfig config(String id) {
    return KafkaRestConfig.builder().bootstrapServers(SharedKafka.bootstrapServers())
        .set(KafkaRestConfig.ID, id + "-" + markerTopic)
        .set(KafkaRestConfig.IDEMPOTENCY_TOPIC, markerTopic)
        .set(KafkaRestConfig.IDEMPOTENCY_TOPIC_PARTITIONS, "3")
        .set(KafkaRestConfig.IDEMPOTENCY_REQUEST_TIMEOUT_MS, "20000")
        .build();
  }

  @AfterAll
  void stop() {
    node1.close();
    node2.close();
  }

  private static String topic() {
    return Topics.create(SharedKafka.bootstrapServers(), 2, "idem-");
  }

  private static List<String> committed(String topic) {
    return values(SharedKafka.bootstrapServers(), topic, "read_committed");
  }

  private static List<String> uncommitted(String topic) {
    return values(SharedKafka.bootstrapServers(), topic, "read_uncommitted");
  }

  @Test
  void retryReturnsTheStoredAnswerAndWritesNothing() {
    String t = topic();
    Answer first = v2(node1, t, "k-1", "a,b,c");
    assertEquals(200, first.status(), first.text());
    assertFalse(first.replayed());
    Answer again = v2(node1, t, "k-1", "a,b,c");
    assertEquals(200, again.status());
    assertTrue(again.replayed());
    assertArrayEquals(first.body(), again.body());
    assertEquals(List.of("\"a\"", "\"b\"", "\"c\""), committed(t).stream().sorted().toList());
    assertEquals(3, uncommitted(t).size());
  }

  @Test
  void retryOnASecondNodeReturnsTheStoredAnswer() {
    String t = topic();
    Answer first = v2(node1, t, "k-2", "x,y");
    assertEquals(200, first.status(), first.text());
    Answer again = v2(node2, t, "k-2", "x,y");
    assertEquals(200, again.status(), again.text());
    assertTrue(again.replayed());
    assertArrayEquals(first.body(), again.body());
    assertEquals(2, committed(t).size());
    assertEquals(2, uncommitted(t).size());
  }

  @Test
  void quotedAndBareKeysAreTheSameKey() {
    String t = topic();
    Answer first = call(node1, "/topics/" + t, V2_JSON, records("q"), null, "Idempotency-Key", "\"k-3\"");
    Answer again = call(node2, "/topics/" + t, V2_JSON, records("q"), null, "Idempotency-Key", "k-3");
    assertEquals(200, first.status(), first.text());
    assertTrue(again.replayed());
    assertEquals(1, committed(t).size());
  }

  @Test
  void sameKeyDifferentRequestIs422() {
    String t = topic();
    assertEquals(200, v2(node1, t, "k-4", "one").status());
    Answer otherBody = v2(node2, t, "k-4", "two");
    assertEquals(422, otherBody.status(), otherBody.text());
    assertTrue(otherBody.text().contains("\"error_code\":42210"), otherBody.text());
    Answer otherPath = call(node1, "/topics/" + t + "/partitions/1", V2_JSON, records("one"), null,
        "Idempotency-Key", "k-4");
    assertEquals(422, otherPath.status(), otherPath.text());
    assertEquals(List.of("\"one\""), committed(t));
  }

  @Test
  void sameKeyWhileTheFirstIsInFlightIs409() throws Exception {
    String t = topic();
    String body = records("slow");
    CountDownLatch sending = new CountDownLatch(1);
    CountDownLatch maySend = new CountDownLatch(1);
    try (KafkaRest holding = KafkaRest.builder(config("node-4")).clients(sendWaitsFor(sending, maySend))
        .build()) {
      CompletableFuture<Answer> first = KeyedCalls.send(holding, "/topics/" + t, V2_JSON, body, null,
          "Idempotency-Key", "k-5");
      try {
        assertTrue(sending.await(30, TimeUnit.SECONDS), "the first request never began to produce");
        Answer second = call(node2, "/topics/" + t, V2_JSON, body, null, "Idempotency-Key", "k-5");
        assertEquals(409, second.status(), second.text());
        assertTrue(second.text().contains("\"error_code\":40910"), second.text());
        Answer again = call(holding, "/topics/" + t, V2_JSON, body, null, "Idempotency-Key", "k-5");
        assertEquals(409, again.status(), "the node that runs it answers 409 as well");
        Answer different = call(node1, "/topics/" + t, V2_JSON, records("other"), null, "Idempotency-Key", "k-5");
        assertEquals(422, different.status(), different.text());
      } finally {
        maySend.countDown();
      }
      assertEquals(200, first.get(30, TimeUnit.SECONDS).status());
    }
    Answer after = call(node2, "/topics/" + t, V2_JSON, body, null, "Idempotency-Key", "k-5");
    assertTrue(after.replayed(), after.text());
    assertEquals(List.of("\"slow\""), committed(t));
  }

  /**
   * Real clients, but a transactional producer's first record to a data topic waits until the test lets it go: a
   * request that is slow to produce (the marker topic is not touched until its answer is known).
   */
  private KafkaClients sendWaitsFor(CountDownLatch sending, CountDownLatch maySend) {
    KafkaClients real = KafkaClients.standard();
    return new KafkaClients() {
      @Override
      public Producer<byte[], byte[]> producer(Map<String, Object> properties) {
        if (!properties.containsKey("transactional.id")) {
          return real.producer(properties);
        }
        return new KafkaProducer<>(properties, new ByteArraySerializer(), new ByteArraySerializer()) {
          @Override
          public Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record, Callback callback) {
            if (!record.topic().equals(markerTopic)) {
              sending.countDown();
              try {
                maySend.await(60, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            }
            return super.send(record, callback);
          }
        };
      }

      @Override
      public Consumer<byte[], byte[]> consumer(Map<String, Object> properties) {
        return real.consumer(properties);
      }

      @Override
      public Admin admin(Map<String, Object> properties) {
        return real.admin(properties);
      }
    };
  }

  @Test
  void keysAreScopedByPrincipal() {
    String t = topic();
    String path = "/topics/" + t;
    Answer alice = call(node1, path, V2_JSON, records("from-alice"), "alice", "Idempotency-Key", "shared");
    Answer bob = call(node1, path, V2_JSON, records("from-bob"), "bob", "Idempotency-Key", "shared");
    Answer anonymous = call(node2, path, V2_JSON, records("from-bob"), null, "Idempotency-Key", "shared");
    assertEquals(200, alice.status());
    assertFalse(bob.replayed(), "bob must not get alice's answer");
    assertFalse(anonymous.replayed(), "no principal is a scope of its own");
    Answer bobAgain = call(node2, path, V2_JSON, records("from-bob"), "bob", "Idempotency-Key", "shared");
    assertTrue(bobAgain.replayed());
    assertArrayEquals(bob.body(), bobAgain.body());
    assertEquals(List.of("\"from-alice\"", "\"from-bob\"", "\"from-bob\""), committed(t).stream().sorted().toList());
  }

  @Test
  void anAnswerExpiresAfterTheRetention() {
    String t = topic();
    MovableClock clock = new MovableClock();
    try (KafkaRest node3 = node("node-3", clock)) {
      assertEquals(200, v2(node3, t, "k-6", "old").status());
      clock.advance(Duration.ofHours(23));
      assertTrue(v2(node3, t, "k-6", "old").replayed());
      clock.advance(Duration.ofHours(2)); // 25 h: past the 24 h default
      Answer late = v2(node3, t, "k-6", "old");
      assertEquals(200, late.status(), late.text());
      assertFalse(late.replayed());
    }
    assertEquals(2, committed(t).size());
  }

  @Test
  void v3BatchRetryIsReplayedByteForByte() {
    String t = topic();
    String path = "/v3/clusters/c/topics/" + t + "/records:batch";
    String body = "{\"entries\":[{\"id\":\"1\",\"value\":{\"type\":\"STRING\",\"data\":\"v1\"}},"
        + "{\"id\":\"2\",\"value\":{\"type\":\"STRING\",\"data\":\"v2\"}}]}";
    Answer first = call(node1, path, "application/json", body, null, "Idempotency-Key", "b-1");
    assertEquals(207, first.status(), first.text());
    Answer again = call(node2, path, "application/json", body, null, "Idempotency-Key", "b-1");
    assertEquals(207, again.status());
    assertTrue(again.replayed());
    assertArrayEquals(first.body(), again.body());
    assertEquals(2, committed(t).size());
    assertEquals(2, uncommitted(t).size());
  }

  private static String stream(String... values) {
    StringBuilder b = new StringBuilder();
    for (String v : values) {
      b.append("{\"value\":{\"type\":\"STRING\",\"data\":\"").append(v).append("\"}}\n");
    }
    return b.toString();
  }

  private static Answer streamCall(KafkaRest rest, String topic, String body, String... headers) {
    return call(rest, "/v3/clusters/c/topics/" + topic + "/records", "application/json", body, null, headers);
  }

  /** A keyed stream: one key for the whole body, its records in one transaction, the answer lines replayed. */
  @Test
  void v3StreamRetryIsReplayedByteForByte() {
    String t = topic();
    String body = stream("s1", "s2", "s3");
    Answer first = streamCall(node1, t, body, "Idempotency-Key", "s-1");
    assertEquals(200, first.status(), first.text());
    assertFalse(first.replayed());
    String[] lines = first.text().split("\r\n");
    assertEquals(3, lines.length, first.text());
    for (String line : lines) {
      assertTrue(line.startsWith("{\"error_code\":200,\"cluster_id\":\"c\",\"topic_name\":\"" + t + "\""), line);
    }
    assertTrue(first.text().endsWith("\r\n"), "every line ends with CRLF, as in a stream");
    Answer again = streamCall(node2, t, body, "Idempotency-Key", "s-1");
    assertEquals(200, again.status(), again.text());
    assertTrue(again.replayed());
    assertArrayEquals(first.body(), again.body());
    assertEquals(List.of("s1", "s2", "s3"), committed(t).stream().sorted().toList());
    assertEquals(3, uncommitted(t).size());
  }

  @Test
  void aSingleRecordStreamWithAKeyIsWrittenOnce() {
    String t = topic();
    String body = "{\"value\":{\"type\":\"STRING\",\"data\":\"one\"}}";
    Answer first = streamCall(node1, t, body, "Idempotency-Key", "s-2");
    assertEquals(200, first.status(), first.text());
    assertTrue(first.text().contains("\"offset\":0"), first.text());
    for (KafkaRest node : List.of(node1, node2)) {
      Answer again = streamCall(node, t, body, "Idempotency-Key", "s-2");
      assertTrue(again.replayed(), again.text());
      assertArrayEquals(first.body(), again.body());
    }
    assertEquals(List.of("one"), committed(t));
    assertEquals(List.of("one"), uncommitted(t));
  }

  @Test
  void aKeyedStreamWithADifferentBodyIs422() {
    String t = topic();
    assertEquals(200, streamCall(node1, t, stream("a"), "Idempotency-Key", "s-3").status());
    Answer other = streamCall(node2, t, stream("b"), "Idempotency-Key", "s-3");
    assertEquals(422, other.status(), other.text());
    assertTrue(other.text().contains("\"error_code\":42210"), other.text());
    Answer batch = call(node1, "/v3/clusters/c/topics/" + t + "/records:batch", "application/json",
        "{\"entries\":[{\"id\":\"1\",\"value\":{\"type\":\"STRING\",\"data\":\"a\"}}]}", null,
        "Idempotency-Key", "s-3");
    assertEquals(422, batch.status(), "the same key on another path is another request");
    assertEquals(List.of("a"), committed(t));
  }

  @Test
  void aKeyedStreamWhileTheFirstIsInFlightIs409() throws Exception {
    String t = topic();
    String body = stream("slow-1", "slow-2");
    CountDownLatch sending = new CountDownLatch(1);
    CountDownLatch maySend = new CountDownLatch(1);
    try (KafkaRest holding = KafkaRest.builder(config("node-5")).clients(sendWaitsFor(sending, maySend))
        .build()) {
      CompletableFuture<Answer> first = KeyedCalls.send(holding, "/v3/clusters/c/topics/" + t + "/records",
          "application/json", body, null, "Idempotency-Key", "s-4");
      try {
        assertTrue(sending.await(30, TimeUnit.SECONDS), "the first request never began to produce");
        Answer second = streamCall(node2, t, body, "Idempotency-Key", "s-4");
        assertEquals(409, second.status(), second.text());
        assertTrue(second.text().contains("\"error_code\":40910"), second.text());
        assertEquals(422, streamCall(node1, t, stream("other"), "Idempotency-Key", "s-4").status());
      } finally {
        maySend.countDown();
      }
      Answer done = first.get(30, TimeUnit.SECONDS);
      assertEquals(200, done.status(), done.text());
      Answer after = streamCall(node2, t, body, "Idempotency-Key", "s-4");
      assertTrue(after.replayed(), after.text());
      assertArrayEquals(done.body(), after.body());
    }
    assertEquals(List.of("slow-1", "slow-2"), committed(t));
  }

  /** A malformed record ends a keyed stream as it ends an unkeyed one: the lines before it, then its 400. */
  @Test
  void aKeyedStreamAnswersTheLinesAnUnkeyedStreamGives() {
    String t = topic();
    String body = stream("m1", "m2") + "{\"value\": nope} " + stream("never");
    Answer plain = streamCall(node1, t, body);
    Answer keyed = streamCall(node1, t, body, "Idempotency-Key", "s-5");
    assertEquals(200, plain.status());
    assertEquals(200, keyed.status(), keyed.text());
    assertEquals(plain.headers().get("Content-Type"), keyed.headers().get("Content-Type"));
    assertEquals(withoutPositions(plain.text()), withoutPositions(keyed.text()), "the same lines but for positions");
    String[] lines = keyed.text().split("\r\n");
    assertEquals(3, lines.length, keyed.text());
    assertTrue(lines[2].startsWith("{\"error_code\":400"), lines[2]);
    assertTrue(streamCall(node2, t, body, "Idempotency-Key", "s-5").replayed());
    assertEquals(List.of("m1", "m1", "m2", "m2"), committed(t).stream().sorted().toList());
  }

  private static String withoutPositions(String lines) {
    return lines.replaceAll("\"(partition_id|offset)\":\\d+", "").replaceAll("\"timestamp\":\"[^\"]*\"", "");
  }

  /** A keyed stream is read whole, so it is bounded: request.max.bytes (413) and produce.max.records (422). */
  @Test
  void aKeyedStreamIsBoundedAndAnUnkeyedOneIsNot() throws Exception {
    String t = topic();
    KafkaRestConfig limited = KafkaRestConfig.builder().bootstrapServers(SharedKafka.bootstrapServers())
        .set(KafkaRestConfig.ID, "node-6-" + markerTopic)
        .set(KafkaRestConfig.IDEMPOTENCY_TOPIC, markerTopic)
        .set(KafkaRestConfig.IDEMPOTENCY_REQUEST_TIMEOUT_MS, "20000")
        .set(KafkaRestConfig.REQUEST_MAX_BYTES, "300")
        .set(KafkaRestConfig.PRODUCE_MAX_RECORDS, "3")
        .build();
    assertEquals(200, v2(node1, topic(), "s-warm", "w").status()); // keyed produce has started: its topic exists
    long markers = markerRecords();
    try (KafkaRest node = KafkaRest.create(limited)) {
      Answer tooMany = streamCall(node, t, stream("1", "2", "3", "4"), "Idempotency-Key", "s-6");
      assertEquals(422, tooMany.status(), tooMany.text());
      assertTrue(tooMany.text().contains("\"error_code\":422") && tooMany.text().contains("the limit is 3"),
          tooMany.text());
      Answer tooLarge = streamCall(node, t, stream("x".repeat(300)), "Idempotency-Key", "s-7");
      assertEquals(413, tooLarge.status(), tooLarge.text());
      assertTrue(tooLarge.text().contains("\"error_code\":413"), tooLarge.text());
      assertEquals(List.of(), uncommitted(t), "a refused keyed stream writes nothing");
      assertEquals(markers, markerRecords(), "both are refused before the key is claimed");
      Answer fits = streamCall(node, t, stream("1", "2", "3"), "Idempotency-Key", "s-6");
      assertEquals(200, fits.status(), "a refusal is not stored: the key is still free");
      Answer unkeyed = streamCall(node, t, stream("1", "2", "3", "4", "x".repeat(300)));
      assertEquals(5, unkeyed.text().split("\r\n").length, "without a key the stream has no total bound");
      assertFalse(unkeyed.replayed());
    }
    assertEquals(8, committed(t).size());
  }

  @Test
  void invalidKeysAre400AndWriteNothing() {
    String t = topic();
    for (String bad : List.of("", "has space", "\"unterminated", "\"bad\\escape\"", "x".repeat(256), "\"caf\u00e9\"")) {
      Answer a = v2(node1, t, bad, "never");
      assertEquals(400, a.status(), bad + ": " + a.text());
      assertTrue(a.text().contains("\"error_code\":40010"), a.text());
    }
    Answer twice = call(node1, "/topics/" + t, V2_JSON, records("never"), null,
        "Idempotency-Key", "a", "Idempotency-Key", "b");
    assertEquals(400, twice.status());
    assertEquals(List.of(), uncommitted(t));
  }

  /**
   * A record the broker refuses (larger than the topic's max.message.bytes) fails the transaction: the answer is
   * that error, known to have written nothing (it used to be a 503 that said the outcome was unknown), nothing is
   * stored, and a retry is refused the same way.
   */
  @Test
  void aRecordTheBrokerRefusesFailsTheWholeRequest() {
    String t = Topics.create(SharedKafka.bootstrapServers(), 1, "idem-", Map.of("max.message.bytes", "1024"));
    String tooLarge = "x".repeat(2000);
    Answer big = v2(node1, t, "k-big", tooLarge);
    assertEquals(413, big.status(), big.text());
    assertTrue(big.text().contains("nothing of this request was written"), big.text());
    // The claim is held until the abort is done (409 meanwhile); then the retry runs again and is refused again.
    Answer retry = retryWhileInFlight(node1, t, "k-big", tooLarge);
    assertEquals(413, retry.status(), retry.text());
    assertFalse(retry.replayed());
    assertEquals(List.of(), uncommitted(t));
  }

  /**
   * A record over its topic's max.message.bytes among others: the whole request is refused (413) at once, with the
   * topic's limit in the message, and nothing of it is committed (the record before it was sent, then aborted).
   * Handed to the producer, the batch the broker refuses was split and retried: answered 413 with Kafka's generic
   * message here, and 503 at the request's bound when the split kept giving the same batch (seen with a 3 s bound).
   */
  @Test
  void aRecordOverTheTopicsLimitAmongOthersFailsTheRequestAtOnce() {
    String t = Topics.create(SharedKafka.bootstrapServers(), 1, "idem-", Map.of("max.message.bytes", "1024"));
    Answer big = v2(node1, t, "k-big-among", "refused," + "y".repeat(2000));
    assertEquals(413, big.status(), big.text());
    assertTrue(big.text().contains("max.message.bytes (1024)"), big.text());
    Answer fits = v2(node1, t, "k-fits", "a,b");
    assertEquals(200, fits.status(), fits.text());
    assertEquals(List.of("\"a\"", "\"b\""), committed(t));
  }

  /**
   * A keyed v3 stream of 6000 records answers about 1.3 MB, more than one record of the marker topic holds: the
   * answer is stored deflated, and the retry gets it byte for byte. Stored as is, the answer's send failed and the
   * request answered 503 "may or may not have been committed", every time.
   */
  @Test
  void aLargeAnswerIsStoredAndReplayed() {
    String t = topic();
    StringBuilder body = new StringBuilder();
    for (int i = 0; i < 6000; i++) {
      body.append("{\"value\":{\"type\":\"STRING\",\"data\":\"v").append(i).append("\"}}");
    }
    Answer first = streamCall(node1, t, body.toString(), "Idempotency-Key", "k-large-answer");
    assertEquals(200, first.status(), first.text().substring(0, Math.min(300, first.text().length())));
    assertTrue(first.body().length > 1024 * 1024, first.body().length + " bytes");
    Answer again = streamCall(node2, t, body.toString(), "Idempotency-Key", "k-large-answer");
    assertTrue(again.replayed());
    assertArrayEquals(first.body(), again.body());
    assertEquals(6000, committed(t).size());
  }

  /** An answer too large to store even deflated: 413, nothing committed, where it was 503 "may or may not". */
  @Test
  void anAnswerTooLargeToStoreIs413AndNothingIsWritten() {
    String markers = Topics.create(SharedKafka.bootstrapServers(), 1, "_idem_small_",
        Map.of("max.message.bytes", "2048", "cleanup.policy", "compact,delete"));
    String t = topic();
    try (KafkaRest small = KafkaRest.create(KafkaRestConfig.builder().bootstrapServers(SharedKafka.bootstrapServers())
        .set(KafkaRestConfig.ID, "node-small-" + markers)
        .set(KafkaRestConfig.IDEMPOTENCY_TOPIC, markers)
        .set(KafkaRestConfig.IDEMPOTENCY_REQUEST_TIMEOUT_MS, "20000")
        .build())) {
      String many = String.join(",", java.util.Collections.nCopies(1000, "x"));
      Answer refused = v2(small, t, "k-many", many);
      assertEquals(413, refused.status(), refused.text());
      assertTrue(refused.text().contains("too large to be stored"), refused.text());
      // The claim is given back once the abort is done (409 meanwhile): the retry is refused the same way.
      Answer retry = retryWhileInFlight(small, t, "k-many", many);
      assertEquals(413, retry.status(), retry.text());
      Answer one = v2(small, t, "k-one", "y");
      assertEquals(200, one.status(), one.text());
      assertEquals(List.of("\"y\""), committed(t));
    }
  }

  /** The same when the producer refuses the answer at once (over its max.request.size): 413, nothing committed. */
  @Test
  void anAnswerOverTheProducersRequestSizeIs413() {
    String t = topic();
    try (KafkaRest small = KafkaRest.create(KafkaRestConfig.builder().bootstrapServers(SharedKafka.bootstrapServers())
        .set(KafkaRestConfig.ID, "node-small-requests-" + markerTopic)
        .set(KafkaRestConfig.IDEMPOTENCY_TOPIC, markerTopic)
        .set(KafkaRestConfig.IDEMPOTENCY_REQUEST_TIMEOUT_MS, "20000")
        .set("producer.max.request.size", "2048")
        .build())) {
      Answer refused = v2(small, t, "k-many-small", String.join(",", java.util.Collections.nCopies(1000, "x")));
      assertEquals(413, refused.status(), refused.text());
      assertTrue(refused.text().contains("too large to be stored"), refused.text());
      assertEquals(List.of(), committed(t));
    }
  }

  /**
   * A body that fails the request's own checks is answered before anything of it reaches Kafka: no claim is
   * written, so a corrected request with the same key goes through at once (it used to wait out the claim).
   */
  @Test
  void aBadBodyIsAnsweredBeforeAnyClaim() throws Exception {
    String t = topic();
    assertEquals(200, v2(node1, t, "k-warm", "w").status()); // keyed produce has started: its topic exists
    long before = markerRecords();
    Answer v2Bad = call(node1, "/topics/" + t, V2_JSON, "{\"records\":[{\"value\":", null, "Idempotency-Key", "k-bad");
    assertEquals(400, v2Bad.status(), v2Bad.text());
    Answer v3Bad = call(node1, "/v3/clusters/c/topics/" + t + "/records:batch", "application/json",
        "{\"entries\":[{\"id\":\"\"}]}", null, "Idempotency-Key", "k-bad-v3");
    assertEquals(422, v3Bad.status(), v3Bad.text());
    assertEquals(before, markerRecords(), "no claim (nor its release) was written");
    Answer fixed = v2(node1, t, "k-bad", "fixed");
    assertEquals(200, fixed.status(), fixed.text());
    assertFalse(fixed.replayed());
    assertEquals(List.of("\"fixed\"", "\"w\""), committed(t).stream().sorted().toList());
  }

  /** Sends the keyed v2 request until it is no longer 409 (its earlier try still in flight), within 20 s. */
  private static Answer retryWhileInFlight(KafkaRest rest, String topic, String key, String values) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    Answer answer = v2(rest, topic, key, values);
    while (answer.status() == 409 && System.nanoTime() < deadline) {
      answer = v2(rest, topic, key, values);
    }
    return answer;
  }

  /** The marker topic's records (its transactions' commit markers, written after the commit returns, aside). */
  private long markerRecords() {
    return uncommitted(markerTopic).size();
  }

  @Test
  void requestsWithoutAKeyAreUnchanged() throws Exception {
    String t = topic();
    String unusedMarkers = "_idem_unused_" + System.nanoTime();
    try (KafkaRest plain = KafkaRest.create(KafkaRestConfig.builder().bootstrapServers(SharedKafka.bootstrapServers())
        .set(KafkaRestConfig.IDEMPOTENCY_TOPIC, unusedMarkers).build())) {
      Answer a = call(plain, "/topics/" + t, V2_JSON, records("plain"), null);
      Answer b = call(plain, "/topics/" + t, V2_JSON, records("plain"), null);
      assertEquals(200, a.status());
      assertFalse(b.replayed());
      assertEquals(2, committed(t).size());
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", SharedKafka.bootstrapServers()))) {
        assertFalse(admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(unusedMarkers),
            "without a keyed request nothing of keyed produce starts");
      }
    }
  }

  /**
   * A node died mid-request: its claim is older than the request bound and its transaction (records already sent)
   * is still open. A retry takes the key over, fences the dead producer (its records are aborted) and produces
   * once; the zombie can no longer commit.
   */
  @Test
  void aStaleClaimIsTakenOverAndItsProducerFenced() throws Exception {
    String t = topic();
    String body = records("once");
    String txnId = "dead-node-" + System.nanoTime();
    KafkaProducer<byte[], byte[]> zombie = new KafkaProducer<>(Map.of("bootstrap.servers",
        SharedKafka.bootstrapServers(), "transactional.id", txnId), new ByteArraySerializer(),
        new ByteArraySerializer());
    try {
      zombie.initTransactions();
      zombie.beginTransaction();
      zombie.send(new ProducerRecord<>(t, "\"zombie\"".getBytes(StandardCharsets.UTF_8))).get();
      writeClaim("k-7", null, "/topics/" + t, body, txnId, System.currentTimeMillis() - 60_000);
      Answer retry = call(node2, "/topics/" + t, V2_JSON, body, null, "Idempotency-Key", "k-7");
      assertEquals(200, retry.status(), retry.text());
      assertFalse(retry.replayed());
      assertThrows(KafkaException.class, zombie::commitTransaction);
    } finally {
      zombie.close(Duration.ZERO);
    }
    assertEquals(List.of("\"once\""), committed(t));
    assertTrue(v2(node1, t, "k-7", "once").replayed());
  }

  /** Another node's claim that is still live: both nodes answer 409 and write nothing. */
  @Test
  void aLiveClaimOfAnotherNodeIs409() {
    String t = topic();
    String body = records("held");
    writeClaim("k-8", "carol", "/topics/" + t, body, "other-node-0", System.currentTimeMillis());
    Answer a = call(node1, "/topics/" + t, V2_JSON, body, "carol", "Idempotency-Key", "k-8");
    Answer b = call(node2, "/topics/" + t, V2_JSON, body, "carol", "Idempotency-Key", "k-8");
    assertEquals(409, a.status(), a.text());
    assertEquals(409, b.status(), b.text());
    Answer other = call(node2, "/topics/" + t, V2_JSON, body, "dave", "Idempotency-Key", "k-8");
    assertEquals(200, other.status(), "another principal's key is another key");
    assertEquals(List.of("\"held\""), committed(t));
  }

  /** Writes a claim as another node would, straight to the marker topic. */
  private void writeClaim(String key, String principal, String path, String body, String txnId, long at) {
    v2(node1, topic(), "warm-" + System.nanoTime(), "w"); // the marker topic exists once a node used it
    v2(node2, topic(), "warm-" + System.nanoTime(), "w");
    String scoped = KeyedRequests.scope(principal, key);
    RestRequest req = RestRequest.builder("POST", path).headers(Headers.of("Content-Type", V2_JSON)).build();
    byte[] fingerprint = KeyedRequests.fingerprint(req, body.getBytes(StandardCharsets.UTF_8));
    Marker claim = new Marker.Claim("claim-" + System.nanoTime(), fingerprint, txnId, at);
    int partition = Utils.toPositive(Utils.murmur2(scoped.getBytes(StandardCharsets.UTF_8))) % 3;
    try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(Map.of("bootstrap.servers",
        SharedKafka.bootstrapServers()), new ByteArraySerializer(), new ByteArraySerializer())) {
      p.send(new ProducerRecord<>(markerTopic, partition, Marker.recordKey(scoped, claim), Marker.encode(claim)))
          .get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
