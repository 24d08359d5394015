package dev.kafkarest.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kafkarest.http.Json;
import dev.kafkarest.http.MediaTypes;
import dev.kafkarest.testing.DirectCalls.Reply;
import dev.kafkarest.testing.SharedKafka;
import dev.kafkarest.testing.TopicContents;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A produce whose JSON text holds a lone surrogate escape ({@code "\ud800"}) is refused with 422 (400 when it is
 * a field name: Jackson itself refuses those) and writes nothing, in every format that takes JSON text: v2 json, avro, jsonschema and protobuf, and the v3 types. The
 * same body with a complete pair ({@code "\ud83d\ude00"}) is written, so the check refuses only what it must.
 */
@ExtendWith(SharedKafka.class)
class LoneSurrogateProduceTest {
  private static final String LONE = "\"\\ud800\"";
  private static final String PAIR = "\"\\ud83d\\ude00\"";
  private static final String PROTO = "syntax = \"proto3\"; message Text { string s = 1; }";

  private static SchemaTestKit.Proxy proxy;

  @BeforeAll
  static void start() throws Exception {
    proxy = SchemaTestKit.startProxy();
  }

  @AfterAll
  static void stop() {
    proxy.close();
  }

  /** The v2 body of one record in {@code type}, its value (or a field of it) being {@code text}. */
  private static String v2Body(String type, String text) {
    String string = "{\"type\":\"string\"}";
    return switch (type) {
      case MediaTypes.JSON_V2 -> "{\"records\":[{\"key\":{\"k\":1},\"value\":[" + text + "]}]}";
      case MediaTypes.AVRO_V2 -> "{\"value_schema\":" + SchemaTestKit.quoted(string) + ",\"records\":[{\"value\":"
          + text + "}]}";
      case MediaTypes.JSONSCHEMA_V2 -> "{\"value_schema\":" + SchemaTestKit.quoted(string)
          + ",\"records\":[{\"value\":" + text + "}]}";
      case MediaTypes.PROTOBUF_V2 -> "{\"value_schema\":" + SchemaTestKit.quoted(PROTO)
          + ",\"records\":[{\"value\":{\"s\":" + text + "}}]}";
      default -> throw new IllegalArgumentException(type);
    };
  }

  @Test
  void aLoneSurrogateInAFieldNameIsRefusedToo() {
    String topic = SchemaTestKit.newTopic("ls");
    Reply v2 = proxy.calls().post("/topics/" + topic, MediaTypes.JSON_V2, "{\"records\":[{\"value\":{" + LONE + ":1}}]}");
    assertEquals(400, v2.status(), v2.body());
    assertTrue(v2.json().get("message").asText().contains("surrogate"), v2.body());
    assertEquals(Map.of(), TopicContents.valueCounts(SharedKafka.bootstrapServers(), topic));
  }

  @Test
  void v2FormatsRefuseALoneSurrogateAndWriteNothing() {
    for (String type : new String[] {MediaTypes.JSON_V2, MediaTypes.AVRO_V2, MediaTypes.JSONSCHEMA_V2,
        MediaTypes.PROTOBUF_V2}) {
      String topic = SchemaTestKit.newTopic("ls");
      Reply refused = proxy.calls().post("/topics/" + topic, type, v2Body(type, LONE));
      assertTrue(refused.status() == 422 || refused.status() == 400, type + ": " + refused.body());
      assertTrue(refused.json().get("message").asText().contains("surrogate"), refused.body());
      Reply written = proxy.calls().post("/topics/" + topic, type, v2Body(type, PAIR));
      assertEquals(200, written.status(), type + ": " + written.body());
      assertEquals(1, TopicContents.valueCounts(SharedKafka.bootstrapServers(), topic).values().stream()
          .mapToInt(Integer::intValue).sum(), type + ": only the record with the complete pair is in the topic");
    }
  }

  /** The v3 record's value for {@code type}, holding {@code text}. */
  private static String v3Value(String type, String text) {
    return switch (type) {
      case "JSON" -> "{\"type\":\"JSON\",\"data\":{\"k\":[" + text + "]}}";
      case "STRING" -> "{\"type\":\"STRING\",\"data\":" + text + "}";
      case "AVRO", "JSONSCHEMA" -> "{\"type\":\"" + type + "\",\"schema\":" + SchemaTestKit.quoted("{\"type\":"
          + "\"string\"}") + ",\"data\":" + text + "}";
      case "PROTOBUF" -> "{\"type\":\"PROTOBUF\",\"schema\":" + SchemaTestKit.quoted(PROTO) + ",\"data\":{\"s\":"
          + text + "}}";
      default -> throw new IllegalArgumentException(type);
    };
  }

  @Test
  void v3TypesRefuseALoneSurrogateInABatchAndInAStream() throws Exception {
    for (String type : new String[] {"JSON", "STRING", "AVRO", "JSONSCHEMA", "PROTOBUF"}) {
      String topic = SchemaTestKit.newTopic("ls3");
      String base = "/v3/clusters/any/topics/" + topic;
      Reply batch = proxy.calls().post(base + "/records:batch", MediaTypes.JSON,
          "{\"entries\":[{\"id\":\"a\",\"value\":" + v3Value(type, LONE) + "}]}");
      assertEquals(422, batch.status(), type + ": " + batch.body());
      Reply stream = proxy.calls().post(base + "/records", MediaTypes.JSON,
          "{\"value\":" + v3Value(type, LONE) + "}\n{\"value\":" + v3Value(type, PAIR) + "}");
      assertEquals(200, stream.status(), type + ": " + stream.body());
      JsonNode[] answers = Json.MAPPER.readerFor(JsonNode.class).readValues(stream.body()).readAll()
          .toArray(JsonNode[]::new);
      assertEquals(422, answers[0].get("error_code").asInt(), type + ": " + stream.body());
      assertEquals(200, answers[1].get("error_code").asInt(), type + ": " + stream.body());
      Map<String, Integer> contents = TopicContents.valueCounts(SharedKafka.bootstrapServers(), topic);
      assertEquals(1, contents.values().stream().mapToInt(Integer::intValue).sum(), type + ": " + contents);
    }
  }
}
