package dev.kafkarest.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kafkarest.KafkaRest;
import dev.kafkarest.KafkaRestConfig;
import dev.kafkarest.http.Json;
import dev.kafkarest.http.MediaTypes;
import dev.kafkarest.testing.DirectCalls;
import dev.kafkarest.testing.FakeSchemaRegistry;
import dev.kafkarest.testing.SharedKafka;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Produce and consume avro through the v2 API only, as an HTTP client would (without the socket). */
@ExtendWith(SharedKafka.class)
class SchemaConsumeEndToEndTest {
  static FakeSchemaRegistry registry;
  static KafkaRest rest;
  static DirectCalls calls;

  @BeforeAll
  static void start() throws Exception {
    registry = new FakeSchemaRegistry().start();
    rest = KafkaRest.create(KafkaRestConfig.builder().bootstrapServers(SharedKafka.bootstrapServers())
        .schemaRegistryUrl(registry.url()).set("consumer.metadata.max.age.ms", "1000").build());
    calls = new DirectCalls(rest);
  }

  @AfterAll
  static void stop() {
    rest.close();
    registry.close();
  }

  @Test
  void avroProducedThenConsumedThroughAConsumerInstance() {
    String topic = SchemaTestKit.newTopic("e2e");
    String schema = Json.MAPPER.valueToTree(AvroFormatTest.USER).toString();
    DirectCalls.Reply produced = calls.post("/topics/" + topic, MediaTypes.AVRO_V2,
        "{\"key_schema\":\"[\\\"null\\\",\\\"long\\\"]\",\"value_schema\":" + schema + ",\"records\":["
            + "{\"key\":{\"long\":7},\"value\":{\"name\":\"Ann\",\"age\":30}},"
            + "{\"value\":{\"name\":\"Bob\",\"age\":31}}]}");
    assertEquals(200, produced.status(), produced.body());

    String group = "g-" + UUID.randomUUID();
    DirectCalls.Reply created = calls.post("/consumers/" + group, MediaTypes.V2,
        "{\"name\":\"c1\",\"format\":\"avro\",\"auto.offset.reset\":\"earliest\"}");
    assertEquals(200, created.status(), created.body());
    String path = "/consumers/" + group + "/instances/c1";
    assertEquals(204, calls.post(path + "/subscription", MediaTypes.V2, "{\"topics\":[\"" + topic + "\"]}").status());

    List<JsonNode> records = new ArrayList<>();
    long deadline = System.currentTimeMillis() + 20_000;
    while (records.size() < 2 && System.currentTimeMillis() < deadline) {
      DirectCalls.Reply r = calls.call("GET", path + "/records?timeout=500", null, null,
          "Accept", MediaTypes.AVRO_V2);
      assertEquals(200, r.status(), r.body());
      assertTrue(r.contentType().startsWith(MediaTypes.AVRO_V2), r.contentType());
      r.json().forEach(records::add);
    }
    assertEquals(2, records.size());
    assertEquals("{\"long\":7}", records.get(0).get("key").toString());
    assertEquals("{\"name\":\"Ann\",\"age\":30}", records.get(0).get("value").toString());
    assertTrue(records.get(1).get("key").isNull());
    assertEquals("Bob", records.get(1).get("value").get("name").asText());

    DirectCalls.Reply binary = calls.call("GET", path + "/records", null, null, "Accept", MediaTypes.BINARY_V2);
    assertEquals(406, binary.status());
    assertEquals(204, calls.call("DELETE", path, MediaTypes.V2, null).status());
  }

  @Test
  void recordWithUnknownMagicByteFailsTheReadWith40801() {
    String topic = SchemaTestKit.newTopic("e2e-bad");
    SchemaTestKit.write(topic, null, SchemaTestKit.bytes(7, 0, 0, 0, 1, 0));
    String group = "g-" + UUID.randomUUID();
    calls.post("/consumers/" + group, MediaTypes.V2,
        "{\"name\":\"c1\",\"format\":\"avro\",\"auto.offset.reset\":\"earliest\"}");
    String path = "/consumers/" + group + "/instances/c1";
    calls.post(path + "/subscription", MediaTypes.V2, "{\"topics\":[\"" + topic + "\"]}");
    DirectCalls.Reply r = null;
    long deadline = System.currentTimeMillis() + 20_000;
    while (System.currentTimeMillis() < deadline) {
      r = calls.call("GET", path + "/records?timeout=500", null, null, "Accept", MediaTypes.AVRO_V2);
      if (r.status() != 200) {
        break;
      }
    }
    assertEquals(408, r.status(), r.body());
    assertEquals(40801, r.json().get("error_code").asInt());
    assertTrue(r.json().get("message").asText().contains("magic byte"), r.body());
    calls.call("DELETE", path, MediaTypes.V2, null);
  }
}
