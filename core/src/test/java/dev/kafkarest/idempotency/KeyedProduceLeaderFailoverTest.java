package dev.kafkarest.idempotency;

import static dev.kafkarest.idempotency.KeyedCalls.V2_JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kafkarest.KafkaRest;
import dev.kafkarest.KafkaRestConfig;
import dev.kafkarest.http.Json;
import dev.kafkarest.idempotency.KeyedCalls.Answer;
import dev.kafkarest.testing.EmbeddedCluster;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

/**
 * Keyed produce on a three-broker cluster (replication factor 3, {@code min.insync.replicas=2} for the data topic,
 * the marker topic and the transaction state log) while the data partition's leader fails: first it is killed
 * (SIGKILL, its own JVM), then started again, then the next leader is stopped (a controlled shutdown). Several
 * clients send keyed v2 requests, each with its own key, and retry 503s, 409s and answers that do not come within
 * their own timeout with the same key and body, as a real client would. Every answer must come within the proxy's
 * bound (plus a margin) and be a 200, a 409 or a retriable 503. Afterwards, read with {@code read_committed}: every
 * acknowledged request's records are there exactly once, at the offsets its answer gave, and nothing else is.
 */
class KeyedProduceLeaderFailoverTest {
  /** The proxy's bound; shorter than a crashed leader's failover (the broker session timeout, 6 s). */
  private static final long REQUEST_TIMEOUT_MS = 4_000;
  /**
   * How late an answer may be past the request bound before it counts as "not answered within the bound": a commit
   * already under way when the bound passes is not cut short (it may block for the producer's max.block.ms, 5 s).
   */
  private static final long MARGIN_MS = 10_000;
  /** A client that waits less than the proxy's bound: it retries while its first attempt is still running. */
  private static final long CLIENT_TIMEOUT_MS = 2_500;
  /** The error codes of the 503s that say "nothing was written; retry with the same key". */
  private static final Set<String> RETRIABLE = Set.of(Integer.toString(IdempotencyErrors.NOT_READY),
      Integer.toString(IdempotencyErrors.NOT_WRITTEN));
  private static final int CLIENTS = 6;
  private static final int RECORDS_PER_REQUEST = 5;
  /** Acknowledged requests to wait for in each phase: before the kill, after it, after the restart, after the stop. */
  private static final int ACKS_PER_PHASE = 40;
  /** The broker that leads the data partition first, in a JVM of its own so that it can be killed. */
  private static final int CRASHING = 1;
  /** A request not acknowledged after this many seconds of retrying fails the test. */
  private static final long GIVE_UP_S = 90;

  /** One client request as it ended: its key, values, the answer it finally got, and what it took. */
  private record Done(String key, List<String> values, Answer answer, int attempts, boolean replayed) {}

  private final List<String> violations = new CopyOnWriteArrayList<>();
  private final List<Done> done = new CopyOnWriteArrayList<>();
  private final AtomicInteger acked = new AtomicInteger();
  private final AtomicInteger retries = new AtomicInteger();
  private final Map<String, AtomicInteger> retried = new ConcurrentHashMap<>();
  private final AtomicInteger clientTimeouts = new AtomicInteger();
  private final Set<CompletableFuture<Answer>> pending = ConcurrentHashMap.newKeySet();
  private final AtomicLong maxLatencyMs = new AtomicLong();
  private volatile boolean running = true;
  private volatile String phase = "before";
  private volatile String slowest = "";

  @Test
  void stoppingThePartitionLeaderLosesAndDuplicatesNothingAcknowledged() throws Exception {
    long t0 = System.nanoTime();
    try (EmbeddedCluster cluster = new EmbeddedCluster(Set.of(CRASHING))) {
      long startedMs = (System.nanoTime() - t0) / 1_000_000;
      String topic = "failover-" + System.nanoTime();
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()))) {
        createTopic(admin, topic);
        try (KafkaRest node = KafkaRest.create(config(cluster, topic))) {
          // The first keyed request also creates the marker topic and starts its reader: not part of the load.
          send(node, topic, "warm-up", List.of("warm-up"));

          ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
          List<Future<?>> loops = new ArrayList<>();
          for (int c = 0; c < CLIENTS; c++) {
            int client = c;
            loops.add(clients.submit(() -> clientLoop(node, topic, client)));
          }
          long killedMs;
          long restartMs;
          int second;
          long stopMs;
          try {
            awaitAcks(ACKS_PER_PHASE, loops);
            phase = "killed";
            long s = System.nanoTime();
            cluster.kill(CRASHING);
            await(() -> leader(admin, topic) != CRASHING, GIVE_UP_S);
            killedMs = (System.nanoTime() - s) / 1_000_000;
            awaitAcks(acked.get() + ACKS_PER_PHASE, loops);
            phase = "restarted";
            s = System.nanoTime();
            cluster.restart(CRASHING);
            restartMs = (System.nanoTime() - s) / 1_000_000;
            awaitAcks(acked.get() + ACKS_PER_PHASE, loops);
            phase = "stopped";
            second = leader(admin, topic);
            s = System.nanoTime();
            cluster.stop(second);
            stopMs = (System.nanoTime() - s) / 1_000_000;
            await(() -> leader(admin, topic) != second, GIVE_UP_S);
            awaitAcks(acked.get() + ACKS_PER_PHASE, loops);
          } finally {
            running = false;
            clients.shutdown();
          }
          assertTrue(clients.awaitTermination(GIVE_UP_S + 30, TimeUnit.SECONDS), "the clients did not finish");
          for (Future<?> loop : loops) {
            loop.get(); // a client that failed fails the test here
          }
          // Attempts the clients gave up waiting for must still be answered within the bound.
          await(pending::isEmpty, (REQUEST_TIMEOUT_MS + MARGIN_MS) / 1000 + 1);

          Map<String, List<Long>> committed = read(cluster.bootstrapServers(), topic, "read_committed");
          int uncommitted = read(cluster.bootstrapServers(), topic, "read_uncommitted").values().stream()
              .mapToInt(List::size).sum();
          long replays = done.stream().filter(Done::replayed).count();
          System.out.printf("leader failover: cluster start %d ms; leader broker %d killed, new leader after %d ms, "
                  + "restarted in %d ms; then leader broker %d stopped in %d ms; "
                  + "%d requests (%d records) acknowledged, %d retries (%d after a client timeout; by phase and "
                  + "answer: %s), %d replayed answers, max latency %d ms (%s; proxy bound %d ms, allowed %d ms); "
                  + "read_committed %d records, read_uncommitted %d; total %d ms%n",
              startedMs, CRASHING, killedMs, restartMs, second, stopMs, done.size(), count(done), retries.get(),
              clientTimeouts.get(), new TreeMap<>(retried), replays, maxLatencyMs.get(), slowest, REQUEST_TIMEOUT_MS,
              REQUEST_TIMEOUT_MS + MARGIN_MS, committed.values().stream().mapToInt(List::size).sum(), uncommitted,
              (System.nanoTime() - t0) / 1_000_000);

          assertEquals(List.of(), violations, "answers outside the proxy's bounds");
          for (Done d : done) {
            assertExactlyOnce(d, committed);
          }
          assertEquals(count(done), committed.values().stream().mapToInt(List::size).sum(),
              "read_committed holds exactly the acknowledged records");
        }
      }
    }
  }

  private static KafkaRestConfig config(EmbeddedCluster cluster, String topic) {
    return KafkaRestConfig.builder().bootstrapServers(cluster.bootstrapServers())
        .set(KafkaRestConfig.ID, "failover-" + topic)
        .set(KafkaRestConfig.IDEMPOTENCY_TOPIC, "_idem_" + topic)
        .set(KafkaRestConfig.IDEMPOTENCY_TOPIC_PARTITIONS, "3")
        .set(KafkaRestConfig.IDEMPOTENCY_TOPIC_REPLICATION_FACTOR, "3")
        .set(KafkaRestConfig.IDEMPOTENCY_REQUEST_TIMEOUT_MS, Long.toString(REQUEST_TIMEOUT_MS))
        .build();
  }

  private void clientLoop(KafkaRest node, String topic, int client) {
    for (int n = 0; running; n++) {
      String key = "c" + client + "-" + n;
      List<String> values = new ArrayList<>();
      for (int i = 0; i < RECORDS_PER_REQUEST; i++) {
        values.add(key + "-r" + i);
      }
      send(node, topic, key, values);
    }
  }

  /**
   * Sends one keyed request until it is acknowledged, retrying what a client may retry with the same key: a 503, a
   * 409, or no answer within the client's own timeout (the abandoned attempt still runs; its answer is checked when
   * it comes).
   */
  private void send(KafkaRest node, String topic, String key, List<String> values) {
    String body = body(values);
    long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(GIVE_UP_S);
    for (int attempt = 1; ; attempt++) {
      CompletableFuture<Answer> call = attempt(node, topic, key, body, attempt);
      Answer answer = null;
      try {
        answer = call.get(CLIENT_TIMEOUT_MS, TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        clientTimeouts.incrementAndGet();
      } catch (Exception e) {
        throw new AssertionError(key + ": the proxy failed instead of answering", e);
      }
      if (answer != null && answer.status() == 200) {
        done.add(new Done(key, values, answer, attempt, answer.replayed()));
        acked.incrementAndGet();
        return;
      }
      retried.computeIfAbsent(phase + " " + (answer == null ? "client timeout" : answer.status() + "/"
          + errorCode(answer)), s -> new AtomicInteger()).incrementAndGet();
      if (System.nanoTime() > giveUp) {
        throw new AssertionError(key + " was not acknowledged after " + attempt + " attempts; last answer "
            + (answer == null ? "none" : answer.status() + " " + answer.text()));
      }
      retries.incrementAndGet();
      sleep(100);
    }
  }

  /** One call; its answer, whenever it comes, must be in time and a 200, a 409 or a retriable 503. */
  private CompletableFuture<Answer> attempt(KafkaRest node, String topic, String key, String body, int attempt) {
    long start = System.nanoTime();
    CompletableFuture<Answer> call = KeyedCalls.send(node, "/topics/" + topic, V2_JSON, body, null,
        "Idempotency-Key", key);
    pending.add(call);
    String what = key + " attempt " + attempt + " (" + phase + ")";
    call.whenComplete((answer, e) -> {
      long ms = (System.nanoTime() - start) / 1_000_000;
      if (maxLatencyMs.getAndAccumulate(ms, Math::max) < ms) {
        slowest = what + ": " + (answer == null ? e : answer.status() + " " + answer.text());
      }
      if (ms > REQUEST_TIMEOUT_MS + MARGIN_MS) {
        violations.add(what + ": answered after " + ms + " ms");
      }
      if (e != null) {
        violations.add(what + ": failed instead of answering: " + e);
      } else if (answer.status() != 200 && answer.status() != 409 && answer.status() != 503) {
        violations.add(what + ": " + answer.status() + " " + answer.text());
      } else if (answer.status() == 503 && !RETRIABLE.contains(errorCode(answer))) {
        violations.add(what + ": a 503 that does not say to retry: " + answer.text());
      }
      pending.remove(call);
    });
    return call;
  }

  private static int count(List<Done> requests) {
    return requests.stream().mapToInt(d -> d.values().size()).sum();
  }

  private static String errorCode(Answer answer) {
    try {
      return Json.MAPPER.readTree(answer.body()).path("error_code").asText("?");
    } catch (Exception e) {
      return "?";
    }
  }

  /** The request's records are in the topic exactly once each, at the offsets its answer reported. */
  private static void assertExactlyOnce(Done d, Map<String, List<Long>> committed) throws Exception {
    JsonNode offsets = Json.MAPPER.readTree(d.answer().body()).path("offsets");
    assertEquals(d.values().size(), offsets.size(), d.key() + ": " + d.answer().text());
    for (int i = 0; i < d.values().size(); i++) {
      String value = "\"" + d.values().get(i) + "\"";
      JsonNode entry = offsets.get(i);
      assertTrue(entry.path("error_code").isNull() && entry.path("offset").isNumber(),
          d.key() + ": a record of an acknowledged keyed request failed: " + d.answer().text());
      assertEquals(List.of(entry.path("offset").asLong()), committed.getOrDefault(value, List.of()),
          d.key() + ": " + value + " once, at the offset answered (after " + d.attempts() + " attempts)");
    }
  }

  private void awaitAcks(int count, List<Future<?>> loops) throws Exception {
    await(() -> acked.get() >= count || loops.stream().anyMatch(Future::isDone), GIVE_UP_S);
    for (Future<?> loop : loops) {
      if (loop.isDone()) {
        loop.get(); // a client gave up: show why
      }
    }
  }

  private static String body(List<String> values) {
    StringBuilder b = new StringBuilder("{\"records\":[");
    for (int i = 0; i < values.size(); i++) {
      b.append(i == 0 ? "" : ",").append("{\"value\":\"").append(values.get(i)).append("\"}");
    }
    return b.append("]}").toString();
  }

  private static void createTopic(Admin admin, String topic) throws Exception {
    // The crashing broker first: the preferred leader.
    admin.createTopics(List.of(new NewTopic(topic, Map.of(0, List.of(CRASHING, 2, 3))))).all()
        .get(30, TimeUnit.SECONDS);
    TopicPartition tp = new TopicPartition(topic, 0);
    await(() -> {
      try {
        admin.listOffsets(Map.of(tp, OffsetSpec.latest())).all().get(); // answered by the leader only
        return leader(admin, topic) == CRASHING;
      } catch (Exception e) {
        return false;
      }
    }, 30);
  }

  /** The partition's leader as the controller last said (-1 while it has none). */
  private static int leader(Admin admin, String topic) {
    try {
      org.apache.kafka.common.Node leader = admin.describeTopics(List.of(topic)).allTopicNames()
          .get(30, TimeUnit.SECONDS).get(topic).partitions().get(0).leader();
      return leader == null ? -1 : leader.id();
    } catch (Exception e) {
      throw new AssertionError("could not describe " + topic, e);
    }
  }

  /** Every value of partition 0 (as the JSON text the proxy wrote) with the offsets it is at. */
  private static Map<String, List<Long>> read(String bootstrap, String topic, String isolation) {
    Map<String, List<Long>> found = new HashMap<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
        Map.of("bootstrap.servers", bootstrap, "isolation.level", isolation),
        new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      TopicPartition tp = new TopicPartition(topic, 0);
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      long end = consumer.endOffsets(Set.of(tp)).get(tp);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (consumer.position(tp) < end) {
        assertTrue(System.nanoTime() < deadline, "could not read " + topic + " to its end");
        consumer.poll(Duration.ofMillis(200)).forEach(r -> found
            .computeIfAbsent(new String(r.value(), StandardCharsets.UTF_8), v -> new ArrayList<>()).add(r.offset()));
      }
    }
    return found;
  }

  private static void await(BooleanSupplier condition, long seconds) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "a condition was not met within " + seconds + " s");
      sleep(50);
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
