package dev.kafkarest.v3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kafkarest.KafkaRest;
import dev.kafkarest.KafkaRestConfig;
import dev.kafkarest.http.Json;
import dev.kafkarest.testing.DirectCalls;
import dev.kafkarest.testing.DirectCalls.Reply;
import dev.kafkarest.testing.MovableClock;
import dev.kafkarest.testing.SharedKafka;
import dev.kafkarest.testing.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code v3.produce.rate.limit.*} against the real broker, on a clock that only the test moves: a record over a
 * limit gets its own 429 and is not written, the stream goes on, and the bucket refills with time.
 */
@ExtendWith(SharedKafka.class)
class V3ProduceRateLimitTest {
  private static final String EXCEEDED =
      "Request rate limit exceeded: The rate limit of requests per second has been exceeded.";

  private final MovableClock clock = new MovableClock(Instant.ofEpochMilli(1_000_000));
  private KafkaRest rest;

  @AfterEach
  void stop() {
    if (rest != null) {
      rest.close();
    }
  }

  private DirectCalls proxy(String... settings) {
    KafkaRestConfig.Builder config = KafkaRestConfig.builder().bootstrapServers(SharedKafka.bootstrapServers())
        .set(KafkaRestConfig.V3_RATE_LIMIT_ENABLED, "true");
    for (int i = 0; i < settings.length; i += 2) {
      config.set(settings[i], settings[i + 1]);
    }
    rest = KafkaRest.builder(config.build()).clock(clock).build();
    return new DirectCalls(rest);
  }

  private static String record(String value) {
    return "{\"value\":{\"type\":\"STRING\",\"data\":\"" + value + "\"}}";
  }

  private static List<JsonNode> lines(Reply reply) throws Exception {
    assertEquals(200, reply.status(), reply.body());
    List<JsonNode> out = new ArrayList<>();
    for (String line : reply.body().split("\r\n")) {
      out.add(Json.MAPPER.readTree(line));
    }
    return out;
  }

  @Test
  void recordsOverTheGlobalRateAre429AndNotWrittenWhileTheStreamGoesOn() throws Exception {
    DirectCalls calls = proxy(KafkaRestConfig.V3_RATE_LIMIT_RECORDS_GLOBAL, "3");
    String t = Topics.create(SharedKafka.bootstrapServers(), 1, "v3rl-");
    String path = "/v3/clusters/c1/topics/" + t + "/records";
    List<JsonNode> answers = lines(calls.post(path, "application/json",
        record("a") + record("b") + record("c") + record("d") + record("e")));
    assertEquals(5, answers.size());
    for (int i = 0; i < 3; i++) {
      assertEquals(200, answers.get(i).get("error_code").asInt(), answers.get(i)::toString);
    }
    for (int i = 3; i < 5; i++) {
      assertEquals(429, answers.get(i).get("error_code").asInt(), answers.get(i)::toString);
      assertEquals(EXCEEDED, answers.get(i).get("message").asText());
    }
    clock.advance(Duration.ofSeconds(1)); // a second later the bucket is full again
    JsonNode later = lines(calls.post(path, "application/json", record("f"))).get(0);
    assertEquals(200, later.get("error_code").asInt(), later::toString);
    assertEquals(3, later.get("offset").asLong(), "the refused records took no offsets");
    List<String> written = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> r : V3ProduceBatchTest.read(t, 0, 4)) {
      written.add(new String(r.value(), StandardCharsets.UTF_8));
    }
    assertEquals(List.of("a", "b", "c", "f"), written);
  }

  @Test
  void theBytesLimitCountsEachRecordsJsonAndIsKeptPerClusterId() throws Exception {
    String one = record("0123456789"); // 45 bytes of JSON
    DirectCalls calls = proxy(KafkaRestConfig.V3_RATE_LIMIT_BYTES, Integer.toString(2 * one.length()));
    String t = Topics.create(SharedKafka.bootstrapServers(), 1, "v3rl-");
    List<JsonNode> c1 = lines(calls.post("/v3/clusters/c1/topics/" + t + "/records", "application/json",
        one + " " + one + "\n" + one));
    assertEquals(List.of(200, 200, 429), codes(c1));
    List<JsonNode> c2 = lines(calls.post("/v3/clusters/c2/topics/" + t + "/records", "application/json", one));
    assertEquals(List.of(200), codes(c2), "another cluster id has buckets of its own");
  }

  @Test
  void aBatchEntryOverTheLimitFailsAloneWith429() throws Exception {
    DirectCalls calls = proxy(KafkaRestConfig.V3_RATE_LIMIT_RECORDS, "2");
    String t = Topics.create(SharedKafka.bootstrapServers(), 1, "v3rl-");
    Reply reply = calls.post("/v3/clusters/c1/topics/" + t + "/records:batch", "application/json",
        "{\"entries\":[{\"id\":\"1\",\"value\":{\"type\":\"STRING\",\"data\":\"x\"}},"
            + "{\"id\":\"2\",\"value\":{\"type\":\"STRING\",\"data\":\"y\"}},"
            + "{\"id\":\"3\",\"value\":{\"type\":\"STRING\",\"data\":\"z\"}}]}");
    assertEquals(207, reply.status(), reply.body());
    JsonNode body = reply.json();
    assertEquals(2, body.get("successes").size(), body::toString);
    assertEquals(1, body.get("failures").size(), body::toString);
    JsonNode failure = body.get("failures").get(0);
    assertEquals("3", failure.get("id").asText());
    assertEquals(429, failure.get("error_code").asInt());
    assertEquals(EXCEEDED, failure.get("message").asText());
  }

  @Test
  void badSettingsAreRefusedAtStartUp() {
    KafkaRestConfig zero = KafkaRestConfig.builder().bootstrapServers(SharedKafka.bootstrapServers())
        .set(KafkaRestConfig.V3_RATE_LIMIT_RECORDS, "0").build();
    assertThrows(IllegalArgumentException.class, () -> KafkaRest.create(zero));
    KafkaRestConfig.Builder notBoolean = KafkaRestConfig.builder().bootstrapServers(SharedKafka.bootstrapServers())
        .set(KafkaRestConfig.V3_RATE_LIMIT_ENABLED, "yes");
    assertThrows(IllegalArgumentException.class, notBoolean::build);
  }

  private static List<Integer> codes(List<JsonNode> answers) {
    List<Integer> codes = new ArrayList<>();
    answers.forEach(a -> codes.add(a.get("error_code").asInt()));
    return codes;
  }
}
