package dev.kafkarest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kafkarest.http.Json;
import dev.kafkarest.http.MediaTypes;
import dev.kafkarest.http.RestResponse;
import dev.kafkarest.testing.DirectCalls;
import dev.kafkarest.testing.SharedKafka;
import dev.kafkarest.testing.Topics;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Randomized bad input, seeded and bounded so a failure can be replayed ({@code -Dfuzz.seed=N}): malformed and
 * deeply nested JSON, wrong types, huge numbers, invalid UTF-8 and base64, path and query junk, unknown media
 * types, missing bodies, odd methods. Nothing may answer 5xx, hang, leak internals, or write a record for a
 * request it refused.
 */
@ExtendWith(SharedKafka.class)
class HostileInputTest {
  private static final int REQUESTS = 600;
  private static final String[] METHODS = {"GET", "POST", "DELETE", "PUT", "PATCH", "OPTIONS", "HEAD", "FOO", "POST"};
  private static final String[] CONTENT_TYPES = {null, MediaTypes.BINARY_V2, MediaTypes.JSON_V2, MediaTypes.V2,
      MediaTypes.AVRO_V2, "application/json", "text/plain", "garbage;;;=", "application/vnd.kafka.v3+json",
      MediaTypes.BINARY_V2 + "; charset=latin1", MediaTypes.JSON_V2, MediaTypes.BINARY_V2};
  private static final String[] ACCEPTS = {null, "*/*", "text/html", "application/json", MediaTypes.JSON_V2,
      MediaTypes.BINARY_V2, ";;;", "application/*;q=abc", "*/*;q=0"};

  private final long seed = Long.getLong("fuzz.seed", 20261125L);
  private final Random random = new Random(seed);

  @Test
  void hostileRequestsGetClientErrorsAndWriteNothing() throws Exception {
    String topic = Topics.create(SharedKafka.bootstrapServers(), 2);
    KafkaRestConfig config = KafkaRestConfig.builder().bootstrapServers(SharedKafka.bootstrapServers())
        .set("consumer.request.timeout.ms", "200").requestMaxBytes(256 * 1024).build();
    long acknowledged = 0;
    try (KafkaRest rest = KafkaRest.create(config)) {
      call(rest, "POST", "/consumers/fuzz", MediaTypes.V2, "{\"name\":\"fz\"}".getBytes(StandardCharsets.UTF_8), null);
      for (int i = 0; i < REQUESTS; i++) {
        String method = pick(METHODS);
        String path = path(topic);
        String contentType = pick(CONTENT_TYPES);
        byte[] body = random.nextInt(8) == 0 ? null : body(topic);
        String what = "seed " + seed + ", request " + i + ": " + method + " " + shorten(path) + " [" + contentType
            + "] " + (body == null ? "no body" : shorten(new String(body, StandardCharsets.UTF_8)));
        long start = System.nanoTime();
        RestResponse response = call(rest, method, path, contentType, body, pick(ACCEPTS));
        long millis = (System.nanoTime() - start) / 1_000_000;
        String text = response.bodyAsString();
        assertTrue(millis < 10_000, what + " took " + millis + " ms");
        assertTrue(response.status() < 500, what + " gave " + response.status() + " " + text);
        checkBody(response, text, what);
        acknowledged += acknowledgedRecords(path, response, text);
      }
      // Still serving afterwards.
      assertEquals(200, call(rest, "GET", "/topics", null, null, null).status());
      RestResponse good = call(rest, "POST", "/topics/" + topic, MediaTypes.JSON_V2,
          "{\"records\":[{\"value\":1}]}".getBytes(StandardCharsets.UTF_8), null);
      assertEquals(200, good.status());
      acknowledged++;
    }
    assertEquals(acknowledged, recordsIn(topic), "records in Kafka = records acknowledged (seed " + seed + ")");
  }

  private void checkBody(RestResponse response, String text, String what) throws Exception {
    for (String leak : List.of("Exception", "\tat ", "dev.kafkarest", "org.apache", "java.", "jackson")) {
      assertFalse(text.contains(leak), what + " leaked '" + leak + "': " + text);
    }
    if (response.status() >= 400) {
      JsonNode error = Json.MAPPER.readTree(text);
      assertTrue(error.get("error_code").isInt(), what + ": " + text);
      assertTrue(error.get("message").isTextual(), what + ": " + text);
      assertTrue(error.get("message").asText().length() < 400, what + " echoed too much: " + text);
    }
  }

  /** Counts records the answer acknowledged, when this was a produce that succeeded. */
  private static long acknowledgedRecords(String path, RestResponse response, String text) throws Exception {
    if (response.status() != 200 || !path.startsWith("/topics/") || !text.startsWith("{\"offsets\"")) {
      return 0;
    }
    long n = 0;
    for (JsonNode offset : Json.MAPPER.readTree(text).get("offsets")) {
      if (offset.get("error_code").isNull()) {
        n++;
      }
    }
    return n;
  }

  private static long recordsIn(String topic) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", SharedKafka.bootstrapServers()))) {
      Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
      specs.put(new TopicPartition(topic, 0), OffsetSpec.latest());
      specs.put(new TopicPartition(topic, 1), OffsetSpec.latest());
      long total = 0;
      for (var info : admin.listOffsets(specs).all().get().values()) {
        total += info.offset();
      }
      return total;
    }
  }

  private static RestResponse call(KafkaRest rest, String method, String path, String contentType, byte[] body,
                                   String accept) {
    return new DirectCalls(rest).respond(method, path, contentType, body,
        accept == null ? new String[0] : new String[] {"Accept", accept});
  }

  // ---- generators ----

  private String path(String topic) {
    String t = random.nextInt(3) == 0 ? junkSegment() : topic;
    String instance = "/consumers/fuzz/instances/" + (random.nextInt(4) == 0 ? junkSegment() : "fz");
    return switch (random.nextInt(20)) {
      case 0 -> "/";
      case 1 -> "/topics";
      case 2 -> "/topics/" + t;
      case 3 -> "/topics/" + t + "/partitions";
      case 4 -> "/topics/" + t + "/partitions/" + junkNumber();
      case 5 -> "/topics/" + t + "/partitions/" + junkNumber() + "/offsets";
      case 6 -> "/brokers";
      case 7 -> "/consumers/" + (random.nextBoolean() ? "fuzz" : junkSegment());
      case 8 -> instance;
      case 9 -> instance + "/subscription";
      case 10 -> instance + "/assignments";
      case 11 -> instance + "/positions" + pick(new String[] {"", "/beginning", "/end"});
      case 12 -> instance + "/offsets";
      case 13 -> instance + "/records?timeout=" + junkNumber() + "&max_bytes=" + junkNumber();
      case 14 -> pick(new String[] {"/%zz", "/topics/%00", "//topics", "/../../etc/passwd", "/topics/a/b/c/d/e",
          "/topics/" + "x".repeat(300), "/topics?" + "q=".repeat(50), "/consumers//instances/"});
      default -> "/topics/" + topic + (random.nextBoolean() ? "" : "/partitions/" + random.nextInt(3));
    };
  }

  private String junkSegment() {
    return pick(new String[] {"%41%42", "a%2Fb", "%E2%82", "..", "-", "x".repeat(random.nextInt(400) + 1),
        "名前", "a b", "%25", "null"});
  }

  private String junkNumber() {
    return pick(new String[] {"0", "1", "-1", "99999999999999999999", "1e9", "abc", "", "0x10", "2147483648",
        String.valueOf(random.nextInt())});
  }

  private byte[] body(String topic) {
    String text = switch (random.nextInt(24)) {
      case 0 -> "";
      case 1 -> "{";
      case 2 -> "null";
      case 3 -> "[]";
      case 4 -> "{\"records\":null}";
      case 5 -> "{\"records\":\"x\"}";
      case 6 -> "{\"records\":[1,2]}";
      case 7 -> "{\"records\":[{\"partition\":\"x\"}]}";
      case 8 -> "{\"records\":[{\"value\":\"@@@not base64\"}]}";
      case 9 -> "{\"records\":[{\"value\":" + "9".repeat(random.nextInt(3000) + 1) + "}]}";
      case 10 -> "[".repeat(random.nextInt(5000) + 1) + "]".repeat(random.nextInt(10));
      case 11 -> "{\"a\":".repeat(random.nextInt(3000) + 1) + "1";
      case 12 -> "{\"topics\":" + pick(new String[] {"1", "[1]", "[\"" + topic + "\"]", "\"x\"", "[null]"}) + "}";
      case 13 -> "{\"topic_pattern\":\"" + pick(new String[] {"((", "[", ".*", "\\\\"}) + "\"}";
      case 14 -> "{\"offsets\":[{\"topic\":" + pick(new String[] {"1", "\"" + topic + "\"", "null"})
          + ",\"partition\":" + junkNumber() + ",\"offset\":" + junkNumber() + "}]}";
      case 15 -> "{\"timestamps\":[{\"topic\":\"" + topic + "\",\"partition\":0,\"timestamp\":\"" + junkNumber() + "\"}]}";
      case 16 -> "{\"partitions\":[{\"topic\":\"" + topic + "\",\"partition\":" + junkNumber() + "}]}";
      case 17 -> "{\"name\":" + pick(new String[] {"1", "\"x\"", "{}", "\"a/b\"", "\"\""}) + ",\"format\":\""
          + pick(new String[] {"binary", "avro", "xml", ""}) + "\",\"fetch.min.bytes\":" + junkNumber() + "}";
      case 18 -> "{\"records\":[{\"value\":1,\"key\":[1,{\"a\":null}],\"partition\":" + junkNumber() + "}]}";
      case 19 -> "{\"records\":[{\"value\":\"" + "QUJD".repeat(random.nextInt(10)) + "\"}],\"value_schema_id\":"
          + junkNumber() + "}";
      case 20 -> "{\"records\":[{\"value\":1}]}" + pick(new String[] {"", "}", " trailing", "{}"});
      case 21 -> "{\"records\":[{\"value\":\"" + "x".repeat(300_000) + "\"}]}";
      default -> null;
    };
    if (text != null) {
      return text.getBytes(StandardCharsets.UTF_8);
    }
    byte[] bytes = new byte[random.nextInt(200) + 1];
    random.nextBytes(bytes); // invalid UTF-8, control characters, anything
    if (random.nextBoolean()) {
      byte[] prefix = "{\"records\":[{\"value\":\"".getBytes(StandardCharsets.UTF_8);
      byte[] joined = new byte[prefix.length + bytes.length];
      System.arraycopy(prefix, 0, joined, 0, prefix.length);
      System.arraycopy(bytes, 0, joined, prefix.length, bytes.length);
      return joined;
    }
    return bytes;
  }

  private <T> T pick(T[] options) {
    return options[random.nextInt(options.length)];
  }

  private static String shorten(String s) {
    return s.length() > 120 ? s.substring(0, 120) + "..." : s;
  }
}
