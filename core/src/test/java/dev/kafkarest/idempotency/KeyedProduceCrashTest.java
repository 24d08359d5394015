package dev.kafkarest.idempotency;

import static dev.kafkarest.idempotency.KeyedCalls.V2_JSON;
import static dev.kafkarest.idempotency.KeyedCalls.call;
import static dev.kafkarest.idempotency.KeyedCalls.records;
import static dev.kafkarest.idempotency.KeyedCalls.values;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kafkarest.KafkaRest;
import dev.kafkarest.KafkaRestConfig;
import dev.kafkarest.idempotency.KeyedCalls.Answer;
import dev.kafkarest.testing.SharedKafka;
import dev.kafkarest.testing.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A proxy node in its own JVM is killed with SIGKILL in the middle of a keyed request; the client retries on
 * another node. Under {@code read_committed} every record is there exactly once.
 */
@ExtendWith(SharedKafka.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KeyedProduceCrashTest {
  private final String markerTopic = "_idem_crash_" + System.nanoTime();
  private KafkaRest survivor;

  @BeforeAll
  void start() {
    survivor = KafkaRest.create(KafkaRestConfig.builder().bootstrapServers(SharedKafka.bootstrapServers())
        .set(KafkaRestConfig.ID, "survivor-" + markerTopic)
        .set(KafkaRestConfig.IDEMPOTENCY_TOPIC, markerTopic)
        .set(KafkaRestConfig.IDEMPOTENCY_TOPIC_PARTITIONS, "3")
        .set(KafkaRestConfig.IDEMPOTENCY_REQUEST_TIMEOUT_MS, "5000")
        .build());
  }

  @AfterAll
  void stop() {
    survivor.close();
  }

  @Test
  void killedBeforeTheCommitTheRetryWritesEveryRecordOnce() throws Exception {
    String t = Topics.create(SharedKafka.bootstrapServers(), 2, "crash-");
    List<Answer> answers = crashThenRetry(t, ProxyNodeProcess.BEFORE_COMMIT, "c-1");
    Answer last = answers.get(answers.size() - 1);
    assertEquals(200, last.status(), last.text());
    assertFalse(last.replayed(), "the dead node never committed: the retry produces");
    assertEquals(List.of("\"r1\"", "\"r2\"", "\"r3\""), sorted(values(SharedKafka.bootstrapServers(), t,
        "read_committed")));
    // The dead node's records are in the log, aborted: only read_uncommitted shows them.
    assertEquals(6, values(SharedKafka.bootstrapServers(), t, "read_uncommitted").size());
  }

  @Test
  void killedAfterTheCommitTheRetryGetsTheStoredAnswer() throws Exception {
    String t = Topics.create(SharedKafka.bootstrapServers(), 2, "crash-");
    List<Answer> answers = crashThenRetry(t, ProxyNodeProcess.AFTER_COMMIT, "c-2");
    Answer last = answers.get(answers.size() - 1);
    assertEquals(200, last.status(), last.text());
    assertTrue(last.replayed(), "the dead node committed: its answer is replayed");
    assertEquals(List.of("\"r1\"", "\"r2\"", "\"r3\""), sorted(values(SharedKafka.bootstrapServers(), t,
        "read_committed")));
    assertEquals(3, values(SharedKafka.bootstrapServers(), t, "read_uncommitted").size());
  }

  /**
   * Every answer of the retries, until one is neither 409 nor a retriable 503: the dead node's claim holds the key
   * for the request bound (5 s), and its open transaction holds the marker partition's reading back until a retry
   * past that bound fences it.
   */
  private List<Answer> crashThenRetry(String topic, String mode, String key) throws Exception {
    String path = "/topics/" + topic;
    String body = records("r1,r2,r3");
    try (ProxyNodeProcess node = ProxyNodeProcess.start(SharedKafka.bootstrapServers(), markerTopic,
        "dying-" + key + "-" + markerTopic, mode, path, body, key)) {
      node.awaitStopped();
      node.kill();
    }
    List<Answer> answers = new ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      Answer a = call(survivor, path, V2_JSON, body, null, "Idempotency-Key", key);
      answers.add(a);
      boolean retriable = a.status() == 409 || a.text().contains("\"error_code\":50310");
      if (!retriable || System.nanoTime() > deadline) {
        System.out.println("retries after the crash (" + mode + "): "
            + answers.stream().map(x -> Integer.toString(x.status())).toList());
        return answers;
      }
      Thread.sleep(250);
    }
  }

  private static List<String> sorted(List<String> values) {
    return values.stream().sorted().toList();
  }
}
