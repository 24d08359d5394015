package dev.kafkarest.idempotency;

import static dev.kafkarest.idempotency.KeyedCalls.V2_JSON;
import static dev.kafkarest.idempotency.KeyedCalls.call;
import static dev.kafkarest.idempotency.KeyedCalls.records;
import static dev.kafkarest.idempotency.KeyedCalls.v2;
import static dev.kafkarest.idempotency.KeyedCalls.values;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kafkarest.KafkaRest;
import dev.kafkarest.KafkaRestConfig;
import dev.kafkarest.idempotency.KeyedCalls.Answer;
import dev.kafkarest.kafka.KafkaClients;
import dev.kafkarest.testing.SharedKafka;
import dev.kafkarest.testing.Topics;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The records of a key this node knows nothing of are sent while its claim is read back: what that may and may not
 * make visible, on two nodes that share the real broker.
 */
@ExtendWith(SharedKafka.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KeyedProduceOverlapTest {
  private final String markerTopic = "_idem_overlap_" + System.nanoTime();
  /** When set, every claim waits (bounded) until this many claims were sent: requests that race for certain. */
  private final AtomicReference<CountDownLatch> claimBarrier = new AtomicReference<>();
  private KafkaRest node1;
  private KafkaRest node2;

  @BeforeAll
  void start() {
    node1 = KafkaRest.builder(config("overlap-1")).clients(claimsWaitForEachOther()).build();
    node2 = KafkaRest.builder(config("overlap-2")).clients(claimsWaitForEachOther()).build();
    // start keyed produce on both (topic, reader, producers) outside the tests' races
    assertEquals(200, v2(node1, topic(), "warm-1", "w").status());
    assertEquals(200, v2(node2, topic(), "warm-2", "w").status());
  }

  @AfterAll
  void stop() {
    node1.close();
    node2.close();
  }

  private KafkaRestConfig config(String id) {
    return KafkaRestConfig.builder().bootstrapServers(SharedKafka.bootstrapServers())
        .set(KafkaRestConfig.ID, id + "-" + markerTopic)
        .set(KafkaRestConfig.IDEMPOTENCY_TOPIC, markerTopic)
        .set(KafkaRestConfig.IDEMPOTENCY_TOPIC_PARTITIONS, "3")
        .set(KafkaRestConfig.IDEMPOTENCY_REQUEST_TIMEOUT_MS, "20000")
        .build();
  }

  private static String topic() {
    return Topics.create(SharedKafka.bootstrapServers(), 2, "overlap-");
  }

  /**
   * Two requests with one key and different bodies, on two nodes, whose claims are both sent before either node
   * read the other's: both nodes know nothing of the key, so both send their records early. Exactly one wins;
   * read_committed sees its records and nothing of the other's, which read_uncommitted does see (aborted).
   */
  @Test
  void racingRequestsOnTwoNodesLeaveExactlyOneSetUnderReadCommitted() throws Exception {
    String t = topic();
    claimBarrier.set(new CountDownLatch(2));
    try {
      CompletableFuture<Answer> a = inOwnThread(() -> v2(node1, t, "race", "a1,a2"));
      CompletableFuture<Answer> b = inOwnThread(() -> v2(node2, t, "race", "b1,b2"));
      Answer first = a.get(60, TimeUnit.SECONDS);
      Answer second = b.get(60, TimeUnit.SECONDS);
      List<Integer> statuses = List.of(first.status(), second.status()).stream().sorted().toList();
      assertEquals(List.of(200, 422), statuses, first.text() + " / " + second.text());
      boolean aWon = first.status() == 200;
      List<String> winner = aWon ? List.of("\"a1\"", "\"a2\"") : List.of("\"b1\"", "\"b2\"");
      List<String> loser = aWon ? List.of("\"b1\"", "\"b2\"") : List.of("\"a1\"", "\"a2\"");
      assertEquals(winner, sorted(values(SharedKafka.bootstrapServers(), t, "read_committed")));
      List<String> uncommitted = values(SharedKafka.bootstrapServers(), t, "read_uncommitted");
      assertTrue(uncommitted.containsAll(winner), uncommitted.toString());
      assertTrue(uncommitted.containsAll(loser), "the loser sent its records early (then aborted): " + uncommitted);
      assertEquals(4, uncommitted.size(), uncommitted.toString());
    } finally {
      claimBarrier.set(null);
    }
  }

  /**
   * A retry on a node whose copy already holds the key's answer writes nothing at all, not even an aborted
   * transaction: read_uncommitted sees the first request's records once.
   */
  @Test
  void aRetryOfAKnownKeyWritesNothingEvenUnderReadUncommitted() {
    String t = topic();
    Answer first = v2(node1, t, "known", "k1,k2,k3");
    assertEquals(200, first.status(), first.text());
    // node2's copy has read the answer once it has read a later claim of the same marker partition: its own
    // claim for another key there (the reader applies a partition in order, and read_committed stops at the
    // answer's transaction until it is committed).
    String probe = sameMarkerPartitionAs("known");
    assertEquals(200, v2(node2, topic(), probe, "p").status());
    Answer retry = v2(node2, t, "known", "k1,k2,k3");
    assertEquals(200, retry.status(), retry.text());
    assertTrue(retry.replayed(), retry.text());
    assertEquals(List.of("\"k1\"", "\"k2\"", "\"k3\""),
        sorted(values(SharedKafka.bootstrapServers(), t, "read_uncommitted")));
    assertEquals(List.of("\"k1\"", "\"k2\"", "\"k3\""),
        sorted(values(SharedKafka.bootstrapServers(), t, "read_committed")));
  }

  /**
   * While a request is still producing, a retry with its key on the node that runs it writes nothing either
   * (409), even before the copy has read the first request's claim.
   */
  @Test
  void aRetryOnTheNodeThatRunsTheKeyWritesNothing() throws Exception {
    String t = topic();
    claimBarrier.set(new CountDownLatch(2)); // the first claim waits for the retry's: neither was read yet
    try {
      CompletableFuture<Answer> first = inOwnThread(() -> v2(node1, t, "running", "r1"));
      CompletableFuture<Answer> retry = inOwnThread(() -> v2(node1, t, "running", "r1"));
      List<Integer> statuses = List.of(first.get(60, TimeUnit.SECONDS).status(),
          retry.get(60, TimeUnit.SECONDS).status()).stream().sorted().toList();
      // the retry is 409 while the first holds the key, or a replay once it answered
      assertTrue(statuses.equals(List.of(200, 409)) || statuses.equals(List.of(200, 200)), statuses.toString());
    } finally {
      claimBarrier.set(null);
    }
    assertEquals(List.of("\"r1\""), values(SharedKafka.bootstrapServers(), t, "read_uncommitted"));
    assertEquals(List.of("\"r1\""), values(SharedKafka.bootstrapServers(), t, "read_committed"));
  }

  /** A request's claim may wait at the barrier in the calling thread: each racer gets a thread of its own. */
  private static CompletableFuture<Answer> inOwnThread(java.util.function.Supplier<Answer> call) {
    CompletableFuture<Answer> answer = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      try {
        answer.complete(call.get());
      } catch (Throwable e) {
        answer.completeExceptionally(e);
      }
    }, "overlap-test-request");
    t.setDaemon(true);
    t.start();
    return answer;
  }

  private static List<String> sorted(List<String> values) {
    return values.stream().sorted().toList();
  }

  /** A key (no principal) whose marker partition is the one of {@code key}. */
  private static String sameMarkerPartitionAs(String key) {
    int target = markerPartition(key);
    for (int i = 0; ; i++) {
      String candidate = "probe-" + System.nanoTime() + "-" + i;
      if (markerPartition(candidate) == target) {
        return candidate;
      }
    }
  }

  private static int markerPartition(String key) {
    String scoped = KeyedRequests.scope(null, key);
    return Utils.toPositive(Utils.murmur2(scoped.getBytes(StandardCharsets.UTF_8))) % 3;
  }

  /** Real clients; while {@link #claimBarrier} is set, a claim's send waits until enough claims were sent. */
  private KafkaClients claimsWaitForEachOther() {
    KafkaClients real = KafkaClients.standard();
    return new KafkaClients() {
      @Override
      public Producer<byte[], byte[]> producer(Map<String, Object> properties) {
        if (properties.containsKey("transactional.id")) {
          return real.producer(properties);
        }
        return new KafkaProducer<>(properties, new ByteArraySerializer(), new ByteArraySerializer()) {
          @Override
          public Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record, Callback callback) {
            CountDownLatch barrier = claimBarrier.get();
            if (barrier != null && record.topic().equals(markerTopic)
                && Marker.decode(record.value()) instanceof Marker.Claim) {
              barrier.countDown();
              try {
                barrier.await(30, TimeUnit.SECONDS);
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
}
