package dev.kafkarest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kafkarest.testing.DirectCalls;
import dev.kafkarest.testing.DirectCalls.Reply;
import dev.kafkarest.testing.SharedKafka;
import dev.kafkarest.testing.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** v2 consumer instances created with {@code isolation.level}: aborted transactions are hidden or not. */
@ExtendWith(SharedKafka.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsumerIsolationTest {
  private static final String V2 = "application/vnd.kafka.v2+json";
  private static final String JSON_V2 = "application/vnd.kafka.json.v2+json";
  private KafkaRest rest;
  private DirectCalls calls;
  private String topic;

  @BeforeAll
  void start() throws Exception {
    rest = KafkaRest.create(KafkaRestConfig.builder().bootstrapServers(SharedKafka.bootstrapServers()).build());
    calls = new DirectCalls(rest);
    topic = Topics.create(SharedKafka.bootstrapServers(), 1, "iso-");
    try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(Map.of("bootstrap.servers",
        SharedKafka.bootstrapServers(), "transactional.id", "iso-" + System.nanoTime()),
        new ByteArraySerializer(), new ByteArraySerializer())) {
      p.initTransactions();
      p.beginTransaction();
      p.send(new ProducerRecord<>(topic, bytes("\"aborted\""))).get(10, TimeUnit.SECONDS);
      p.abortTransaction();
      p.beginTransaction();
      p.send(new ProducerRecord<>(topic, bytes("\"committed\""))).get(10, TimeUnit.SECONDS);
      p.commitTransaction();
    }
  }

  @AfterAll
  void stop() {
    rest.close();
  }

  @Test
  void readCommittedHidesAbortedRecords() {
    assertEquals(List.of("committed"), read("g-committed", ",\"isolation.level\":\"read_committed\"", 1));
  }

  @Test
  void readUncommittedIsTheDefaultAndSeesThem() {
    assertEquals(List.of("aborted", "committed"), read("g-default", "", 2));
    assertEquals(List.of("aborted", "committed"),
        read("g-uncommitted", ",\"isolation.level\":\"read_uncommitted\"", 2));
  }

  @Test
  void aBadIsolationLevelIs422() {
    Reply r = calls.post("/consumers/g-bad", V2, "{\"name\":\"i\",\"isolation.level\":\"serializable\"}");
    assertEquals(422, r.status(), r.body());
    assertEquals(42204, r.json().get("error_code").asInt());
    assertTrue(r.body().contains("isolation.level"), r.body());
  }

  /** Reads until {@code expected} records came, then once more, to see that nothing else comes. */
  private List<String> read(String group, String extra, int expected) {
    Reply created = calls.post("/consumers/" + group, V2,
        "{\"name\":\"i\",\"format\":\"json\",\"auto.offset.reset\":\"earliest\"" + extra + "}");
    assertEquals(200, created.status(), created.body());
    String path = "/consumers/" + group + "/instances/i";
    assertEquals(204, calls.post(path + "/subscription", V2, "{\"topics\":[\"" + topic + "\"]}").status());
    List<String> values = new ArrayList<>();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    int emptyAfterExpected = 0;
    while (emptyAfterExpected < 1) {
      assertTrue(System.nanoTime() < deadline, "read only " + values);
      Reply r = calls.call("GET", path + "/records?timeout=500", null, null, "Accept", JSON_V2);
      assertEquals(200, r.status(), r.body());
      JsonNode records = r.json();
      records.forEach(n -> values.add(n.get("value").asText()));
      if (values.size() >= expected && records.isEmpty()) {
        emptyAfterExpected++;
      }
    }
    calls.call("DELETE", path, null, null);
    return values;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
