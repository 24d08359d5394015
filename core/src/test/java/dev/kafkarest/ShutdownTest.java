package dev.kafkarest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kafkarest.http.MediaTypes;
import dev.kafkarest.testing.DirectCalls;
import dev.kafkarest.testing.DirectCalls.Reply;
import dev.kafkarest.testing.SharedKafka;
import dev.kafkarest.testing.TopicContents;
import dev.kafkarest.testing.Topics;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** close() under load: every in-flight request answers, every acknowledged record is in Kafka once, no thread stays. */
@ExtendWith(SharedKafka.class)
class ShutdownTest {

  @Test
  void closeUnderLoadLosesNothingAndReleasesEveryThread() throws Exception {
    String topic = Topics.create(SharedKafka.bootstrapServers(), 1);
    KafkaRest rest = KafkaRest.create(KafkaRestConfig.builder().bootstrapServers(SharedKafka.bootstrapServers())
        .set("producer.client.id", "shutdown-test-producer").set("producer.linger.ms", "20").build());
    DirectCalls calls = new DirectCalls(rest);
    calls.post("/consumers/g-shutdown", MediaTypes.V2, "{\"name\":\"c\"}");
    calls.post("/consumers/g-shutdown/instances/c/subscription", MediaTypes.V2, "{\"topics\":[\"" + topic + "\"]}");

    Map<String, Boolean> acked = new ConcurrentHashMap<>();
    AtomicInteger refused = new AtomicInteger();
    ExecutorService clients = Executors.newFixedThreadPool(8);
    Future<?>[] loops = new Future<?>[8];
    for (int t = 0; t < loops.length; t++) {
      int thread = t;
      loops[t] = clients.submit(() -> {
        for (int i = 0; ; i++) {
          String value = "\"c" + thread + "-" + i + "\"";
          Reply r = calls.post("/topics/" + topic, MediaTypes.JSON_V2, "{\"records\":[{\"value\":" + value + "}]}");
          if (r.status() == 503) {
            refused.incrementAndGet();
            return; // closed: no longer taking requests
          }
          JsonNode offset = r.json().get("offsets").get(0);
          if (offset.get("error_code").isNull()) {
            acked.put(value, true);
          }
        }
      });
    }
    Thread.sleep(1000);
    long start = System.nanoTime();
    rest.close();
    long closeMillis = (System.nanoTime() - start) / 1_000_000;
    for (Future<?> loop : loops) {
      loop.get(30, TimeUnit.SECONDS); // every in-flight request got an answer
    }
    clients.shutdown();

    assertTrue(acked.size() > 20, "load ran: " + acked.size());
    assertEquals(8, refused.get(), "after close every client is told 503");
    assertTrue(closeMillis < 15_000, "close took " + closeMillis + " ms");
    Map<String, Integer> inKafka = TopicContents.valueCounts(SharedKafka.bootstrapServers(), topic);
    acked.keySet().forEach(v -> assertEquals(1, inKafka.getOrDefault(v, 0), v + " acknowledged but not in Kafka once"));
    inKafka.forEach((v, n) -> assertEquals(1, n, v + " written " + n + " times"));
    Thread.sleep(200);
    for (Thread thread : Thread.getAllStackTraces().keySet()) {
      assertFalse(thread.getName().contains("shutdown-test-producer"), "producer thread left: " + thread.getName());
      assertFalse(thread.getName().startsWith("kafka-rest-"), "proxy thread left: " + thread.getName());
    }
  }

}
