package dev.kafkarest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kafkarest.http.MediaTypes;
import dev.kafkarest.testing.DirectCalls;
import dev.kafkarest.testing.DirectCalls.Reply;
import dev.kafkarest.testing.EmbeddedKafka;
import dev.kafkarest.testing.TopicContents;
import dev.kafkarest.testing.Topics;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The broker goes away and comes back (same port, same data): every request answers within its configured bound
 * with a retriable error meanwhile, the proxy recovers by itself, and every acknowledged record is in Kafka
 * exactly once. Uses its own broker, since it stops it.
 */
class BrokerFaultTest {
  private static EmbeddedKafka broker;

  @BeforeAll
  static void start() throws Exception {
    broker = new EmbeddedKafka();
  }

  @AfterAll
  static void stop() throws Exception {
    broker.close();
  }

  private static KafkaRestConfig config() {
    return KafkaRestConfig.builder().bootstrapServers(broker.bootstrapServers())
        .set("producer.delivery.timeout.ms", "4000")
        .set("producer.request.timeout.ms", "1500")
        .set("producer.max.block.ms", "2000")
        .set("admin.default.api.timeout.ms", "3000")
        .set("admin.request.timeout.ms", "1500")
        .set("consumer.default.api.timeout.ms", "3000")
        .set("consumer.request.timeout.ms", "800")
        .build();
  }

  @Test
  void requestsStayBoundedWhileTheBrokerIsDownAndRecoverAfterwards() throws Exception {
    String topic = Topics.create(broker.bootstrapServers(), 1);
    try (KafkaRest rest = KafkaRest.create(config())) {
      DirectCalls calls = new DirectCalls(rest);
      assertEquals(200, calls.post("/topics/" + topic, MediaTypes.JSON_V2, "{\"records\":[{\"value\":0}]}").status());
      calls.post("/consumers/g", MediaTypes.V2, "{\"name\":\"c\",\"auto.offset.reset\":\"earliest\"}");
      String instance = "/consumers/g/instances/c";
      calls.post(instance + "/subscription", MediaTypes.V2, "{\"topics\":[\"" + topic + "\"]}");
      calls.get(instance + "/records");

      Map<String, Integer> acked = new ConcurrentHashMap<>();
      AtomicBoolean producing = new AtomicBoolean(true);
      Thread load = new Thread(() -> produceUntilStopped(calls, topic, acked, producing));
      load.start();
      Thread.sleep(300);
      broker.stop();

      long start = System.nanoTime();
      Reply produce = calls.post("/topics/" + topic, MediaTypes.JSON_V2, "{\"records\":[{\"value\":\"down\"}]}");
      assertWithin(start, 4000);
      assertEquals(200, produce.status(), produce.body());
      assertEquals(50003, produce.json().get("offsets").get(0).get("error_code").asInt(), produce.body());

      start = System.nanoTime();
      Reply metadata = calls.get("/topics/" + topic);
      assertWithin(start, 3000);
      assertEquals(500, metadata.status(), metadata.body());
      assertEquals(50003, metadata.json().get("error_code").asInt(), metadata.body());

      start = System.nanoTime();
      Reply read = calls.get(instance + "/records?timeout=500");
      assertWithin(start, 500);
      assertEquals(200, read.status(), read.body());

      start = System.nanoTime();
      Reply commit = calls.post(instance + "/offsets", MediaTypes.V2,
          "{\"offsets\":[{\"topic\":\"" + topic + "\",\"partition\":0,\"offset\":0}]}");
      assertWithin(start, 3000);
      assertTrue(commit.status() >= 500, commit.body());

      broker.restart();
      long deadline = System.currentTimeMillis() + 30_000;
      Reply after;
      do {
        after = calls.post("/topics/" + topic, MediaTypes.JSON_V2, "{\"records\":[{\"value\":\"back\"}]}");
      } while (!after.json().get("offsets").get(0).get("error_code").isNull()
          && System.currentTimeMillis() < deadline);
      assertTrue(after.json().get("offsets").get(0).get("error_code").isNull(), after.body());
      assertEquals(200, calls.get("/topics/" + topic).status());
      producing.set(false);
      load.join();

      Map<String, Integer> inKafka = TopicContents.valueCounts(broker.bootstrapServers(), topic);
      for (String value : acked.keySet()) {
        assertEquals(1, inKafka.getOrDefault(value, 0), "acknowledged " + value + " is in Kafka exactly once");
      }
      inKafka.forEach((value, count) -> assertEquals(1, count, value + " written " + count + " times"));
      assertTrue(acked.size() > 5, "the load produced something: " + acked.size());
    }
  }

  private static void produceUntilStopped(DirectCalls calls, String topic, Map<String, Integer> acked,
                                          AtomicBoolean producing) {
    int i = 0;
    while (producing.get()) {
      String value = "load-" + i++;
      Reply r = calls.post("/topics/" + topic, MediaTypes.JSON_V2, "{\"records\":[{\"value\":\"" + value + "\"}]}");
      JsonNode offset = r.json().get("offsets").get(0);
      if (offset.get("error_code").isNull()) {
        acked.put("\"" + value + "\"", 1);
      }
    }
  }


  private static void assertWithin(long startNanos, long boundMs) {
    long millis = (System.nanoTime() - startNanos) / 1_000_000;
    assertTrue(millis <= boundMs + 1500, "answered after " + millis + " ms; bound " + boundMs + " ms");
  }

}
