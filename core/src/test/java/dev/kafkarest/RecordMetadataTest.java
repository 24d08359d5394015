package dev.kafkarest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kafkarest.http.MediaTypes;
import dev.kafkarest.testing.DirectCalls;
import dev.kafkarest.testing.DirectCalls.Reply;
import dev.kafkarest.testing.SharedKafka;
import dev.kafkarest.testing.Topics;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** Record headers and timestamps in v2 (an extension): produce accepts them; an opted-in instance answers them. */
@ExtendWith(SharedKafka.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RecordMetadataTest {
  private KafkaRest rest;
  private DirectCalls calls;

  @BeforeAll
  void start() {
    rest = KafkaRest.create(KafkaRestConfig.builder().bootstrapServers(SharedKafka.bootstrapServers())
        .consumerRequestTimeoutMs(500).build());
    calls = new DirectCalls(rest);
  }

  @AfterAll
  void stop() {
    rest.close();
  }

  @Test
  void producedHeadersAndTimestampComeBackToAnInstanceThatAsksForThem() {
    String topic = Topics.create(SharedKafka.bootstrapServers(), 1);
    Reply produced = calls.post("/topics/" + topic, MediaTypes.BINARY_V2, "{\"records\":[{\"value\":\""
        + b64("v") + "\",\"timestamp\":1700000000000,\"headers\":[{\"name\":\"h\",\"value\":\"" + b64("a")
        + "\"},{\"name\":\"h\",\"value\":\"" + b64("b") + "\"},{\"name\":\"empty\",\"value\":null}]}]}");
    assertEquals(200, produced.status(), produced.body());
    assertTrue(produced.json().get("offsets").get(0).get("error").isNull(), produced.body());

    JsonNode withMetadata = readOne(topic, "{\"format\":\"binary\",\"record.metadata\":true}");
    assertEquals(1700000000000L, withMetadata.get("timestamp").asLong(), withMetadata::toString);
    assertEquals("CREATE_TIME", withMetadata.get("timestamp_type").asText());
    JsonNode headers = withMetadata.get("headers");
    assertEquals(3, headers.size(), withMetadata::toString);
    assertEquals("h", headers.get(0).get("name").asText());
    assertEquals(b64("a"), headers.get(0).get("value").asText());
    assertEquals("h", headers.get(1).get("name").asText());
    assertEquals(b64("b"), headers.get(1).get("value").asText());
    assertTrue(headers.get(2).get("value").isNull());

    JsonNode plain = readOne(topic, "{\"format\":\"binary\"}");
    assertFalse(plain.has("timestamp") || plain.has("timestamp_type") || plain.has("headers"),
        "a strict client never sees the extension fields: " + plain);
  }

  @Test
  void badHeadersOrTimestampsAre400() {
    String topic = Topics.create(SharedKafka.bootstrapServers(), 1);
    String[] bad = {
        "{\"records\":[{\"value\":null,\"timestamp\":-1}]}",
        "{\"records\":[{\"value\":null,\"timestamp\":\"now\"}]}",
        "{\"records\":[{\"value\":null,\"headers\":{\"h\":\"x\"}}]}",
        "{\"records\":[{\"value\":null,\"headers\":[{\"value\":\"" + b64("x") + "\"}]}]}",
        "{\"records\":[{\"value\":null,\"headers\":[{\"name\":\"h\",\"value\":\"not base64!\"}]}]}",
    };
    for (String body : bad) {
      Reply r = calls.post("/topics/" + topic, MediaTypes.BINARY_V2, body);
      assertEquals(400, r.status(), body + " -> " + r.body());
    }
    Reply unknown = calls.post("/consumers/g-" + System.nanoTime(), MediaTypes.V2, "{\"record.metadata\":\"yes\"}");
    assertEquals(422, unknown.status(), unknown.body());
  }

  private JsonNode readOne(String topic, String createBody) {
    String group = "meta-" + System.nanoTime();
    Reply created = calls.post("/consumers/" + group, MediaTypes.V2, createBody);
    assertEquals(200, created.status(), created.body());
    String path = "/consumers/" + group + "/instances/" + created.json().get("instance_id").asText();
    assertEquals(204, calls.post(path + "/assignments", MediaTypes.V2,
        "{\"partitions\":[{\"topic\":\"" + topic + "\",\"partition\":0}]}").status());
    assertEquals(204, calls.post(path + "/positions/beginning", MediaTypes.V2,
        "{\"partitions\":[{\"topic\":\"" + topic + "\",\"partition\":0}]}").status());
    List<JsonNode> records = new ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (records.isEmpty() && System.nanoTime() < deadline) {
      Reply r = calls.call("GET", path + "/records?timeout=500", null, null, "Accept", MediaTypes.BINARY_V2);
      assertEquals(200, r.status(), r.body());
      r.json().forEach(records::add);
    }
    calls.call("DELETE", path, MediaTypes.V2, null);
    assertEquals(1, records.size(), records::toString);
    return records.get(0);
  }

  private static String b64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }
}
