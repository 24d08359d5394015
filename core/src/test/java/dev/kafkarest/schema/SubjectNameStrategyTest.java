package dev.kafkarest.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kafkarest.KafkaRest;
import dev.kafkarest.KafkaRestConfig;
import dev.kafkarest.http.Json;
import dev.kafkarest.http.MediaTypes;
import dev.kafkarest.testing.DirectCalls;
import dev.kafkarest.testing.FakeSchemaRegistry;
import dev.kafkarest.testing.SharedKafka;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SharedKafka.class)
class SubjectNameStrategyTest {
  @Test
  void namesAndParsing() {
    assertEquals("t-key", SubjectNameStrategy.TOPIC_NAME.subject("t", true, () -> "x"));
    assertEquals("a.B", SubjectNameStrategy.RECORD_NAME.subject("t", false, () -> "a.B"));
    assertEquals("t-a.B", SubjectNameStrategy.TOPIC_RECORD_NAME.subject("t", false, () -> "a.B"));
    assertEquals(SubjectNameStrategy.RECORD_NAME,
        SubjectNameStrategy.parse("io.confluent.kafka.serializers.subject.RecordNameStrategy", "k"));
    assertEquals(SubjectNameStrategy.TOPIC_RECORD_NAME, SubjectNameStrategy.parse("TOPIC_RECORD_NAME", "k"));
    assertEquals(SubjectNameStrategy.TOPIC_NAME, SubjectNameStrategy.parse(null, "k"));
    assertThrows(IllegalArgumentException.class, () -> SubjectNameStrategy.parse("Nope", "k"));
  }

  @Test
  void recordNameStrategyRegistersUnderTheRecordName() throws Exception {
    try (FakeSchemaRegistry registry = new FakeSchemaRegistry().start()) {
      KafkaRestConfig config = KafkaRestConfig.builder().bootstrapServers(SharedKafka.bootstrapServers())
          .schemaRegistryUrl(registry.url())
          .set(SubjectNameStrategy.VALUE_STRATEGY, "io.confluent.kafka.serializers.subject.RecordNameStrategy")
          .build();
      try (KafkaRest rest = KafkaRest.create(config)) {
        DirectCalls calls = new DirectCalls(rest);
        String topic = SchemaTestKit.newTopic("rn");
        DirectCalls.Reply avro = calls.post("/topics/" + topic, MediaTypes.AVRO_V2, "{\"value_schema\":"
            + Json.MAPPER.valueToTree(AvroFormatTest.USER) + ",\"records\":[{\"value\":{\"name\":\"A\",\"age\":1}}]}");
        assertEquals(200, avro.status(), avro.body());
        int id = avro.json().get("value_schema_id").asInt();
        SchemaRegistryClient client =
            new SchemaRegistryClient(RegistrySettings.of(registry.url(), java.time.Duration.ofSeconds(5)));
        assertEquals(id, client.lookup("t.User", RegistrySchema.of("AVRO", AvroFormatTest.USER)).get(),
            "registered under the subject t.User");

        DirectCalls.Reply primitive = calls.post("/topics/" + topic, MediaTypes.AVRO_V2,
            "{\"value_schema\":\"\\\"string\\\"\",\"records\":[{\"value\":\"x\"}]}");
        assertEquals(422, primitive.status(), primitive.body());
        assertEquals(42205, primitive.json().get("error_code").asInt());

        DirectCalls.Reply untitled = calls.post("/topics/" + topic, MediaTypes.JSONSCHEMA_V2,
            "{\"value_schema\":\"{}\",\"records\":[{\"value\":1}]}");
        assertEquals(422, untitled.status(), untitled.body());
        assertEquals(42205, untitled.json().get("error_code").asInt());

        int untitledId = registry.register("elsewhere", "JSON", "{\"type\":\"integer\"}");
        DirectCalls.Reply untitledById = calls.post("/topics/" + topic, MediaTypes.JSONSCHEMA_V2,
            "{\"value_schema_id\":" + untitledId + ",\"records\":[{\"value\":1}]}");
        assertEquals(422, untitledById.status(), untitledById.body());
        assertEquals(42205, untitledById.json().get("error_code").asInt());

        DirectCalls.Reply pb = calls.post("/topics/" + topic, MediaTypes.PROTOBUF_V2,
            "{\"value_schema\":\"syntax = \\\"proto3\\\"; package p; message M { int32 a = 1; }\","
                + "\"records\":[{\"value\":{\"a\":1}}]}");
        assertEquals(200, pb.status(), pb.body());
        assertEquals(pb.json().get("value_schema_id").asInt(), client.lookup("p.M", RegistrySchema.of("PROTOBUF",
            "syntax = \"proto3\"; package p; message M { int32 a = 1; }")).get());
      }
    }
  }
}
