package dev.kafkarest.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kafkarest.KafkaRestConfig;
import dev.kafkarest.http.MediaTypes;
import dev.kafkarest.testing.HttpCalls.Reply;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The async part of the contract: a container with fewer worker threads than waiting long polls must still
 * serve other requests at once, and run the polls side by side. A binding that blocked a container thread per
 * request would queue both behind the polls.
 */
public final class ProxyContractLongPolls {
  /** How long each poll waits on an empty topic; long enough to tell waiting from queueing. */
  public static final long POLL_MS = 3000;

  private ProxyContractLongPolls() {}

  /** The configuration the mounted proxy must use for {@link #assertPollsHoldNoThreads}. */
  public static KafkaRestConfig config() {
    return KafkaRestConfig.builder()
        .bootstrapServers(SharedKafka.bootstrapServers())
        .consumerRequestTimeoutMs(POLL_MS)
        .build();
  }

  /** {@code polls} should be at least twice the container's worker threads. */
  public static void assertPollsHoldNoThreads(HttpCalls http, int polls) {
    String topic = Topics.create(SharedKafka.bootstrapServers(), 1, "longpoll-");
    String group = "longpoll-" + UUID.randomUUID().toString().substring(0, 8);
    List<String> instances = new ArrayList<>();
    for (int i = 0; i < polls; i++) {
      String path = "/consumers/" + group + "/instances/c" + i;
      assertEquals(200, http.post("/consumers/" + group, MediaTypes.V2, "{\"name\":\"c" + i + "\"}").status());
      assertEquals(204, http.post(path + "/subscription", MediaTypes.V2, "{\"topics\":[\"" + topic + "\"]}").status());
      instances.add(path);
    }
    try {
      // Warm-up poll per instance (group join), so that the measured polls only wait for records.
      instances.stream().map(p -> http.getAsync(p + "/records?timeout=200")).toList()
          .forEach(CompletableFuture::join);

      long start = System.nanoTime();
      List<CompletableFuture<Reply>> waiting = instances.stream().map(p -> http.getAsync(p + "/records")).toList();
      sleep(500); // let every poll reach the proxy and start waiting
      long before = System.nanoTime();
      Reply topics = http.get("/topics");
      long otherRequestMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - before);
      assertEquals(200, topics.status(), topics::toString);
      assertTrue(waiting.stream().noneMatch(CompletableFuture::isDone), "the polls should still be waiting");
      assertTrue(otherRequestMs < POLL_MS / 2,
          "GET /topics waited " + otherRequestMs + " ms behind " + polls + " long polls: they hold threads");

      for (CompletableFuture<Reply> poll : waiting) {
        Reply r = poll.join();
        assertEquals(200, r.status(), r::toString);
        assertEquals("[]", r.body());
      }
      long allPollsMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertTrue(allPollsMs >= POLL_MS - 200, "the polls did not wait: " + allPollsMs + " ms");
      assertTrue(allPollsMs < 2 * POLL_MS - 500, "the polls ran one batch after another: " + allPollsMs + " ms");
    } finally {
      instances.forEach(http::delete);
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
