package dev.kafkarest.classpath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kafkarest.KafkaRest;
import dev.kafkarest.KafkaRestConfig;
import dev.kafkarest.http.MediaTypes;
import dev.kafkarest.testing.DirectCalls;
import dev.kafkarest.testing.SharedKafka;
import dev.kafkarest.testing.Topics;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A host that leaves out every schema library (the surefire execution "without-schema-libraries" removes Avro,
 * protobuf-java(-util) and the JSON Schema validator from the classpath): the proxy starts, binary and JSON work,
 * and each schema format answers 42206 naming the artifact to add, on produce and on consumer creation.
 */
@ExtendWith(SharedKafka.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WithoutSchemaLibrariesTest {
  private static final Map<String, String> ARTIFACT_BY_TYPE = Map.of(
      MediaTypes.AVRO_V2, "org.apache.avro:avro",
      MediaTypes.JSONSCHEMA_V2, "com.networknt:json-schema-validator",
      MediaTypes.PROTOBUF_V2, "com.google.protobuf:protobuf-java");
  private static final Map<String, String> ARTIFACT_BY_FORMAT = Map.of(
      "avro", "org.apache.avro:avro",
      "jsonschema", "com.networknt:json-schema-validator",
      "protobuf", "com.google.protobuf:protobuf-java");

  private String topic;

  @BeforeAll
  void theLibrariesAreReallyGone() {
    for (String name : new String[] {"org.apache.avro.Schema", "com.google.protobuf.Message",
        "com.google.protobuf.util.JsonFormat", "com.networknt.schema.SchemaRegistry"}) {
      assertThrows(ClassNotFoundException.class, () -> Class.forName(name), name);
    }
    topic = Topics.create(SharedKafka.bootstrapServers(), 1);
  }

  private static KafkaRest proxy() {
    // A registry URL is configured: the formats are off for want of their libraries, not of a registry. No
    // request reaches it.
    return KafkaRest.create(KafkaRestConfig.builder()
        .bootstrapServers(SharedKafka.bootstrapServers())
        .schemaRegistryUrl("http://127.0.0.1:9")
        .build());
  }

  @Test
  void binaryAndJsonProduceAndConsume() throws Exception {
    try (KafkaRest rest = proxy()) {
      DirectCalls calls = new DirectCalls(rest);
      DirectCalls.Reply binary = calls.post("/topics/" + topic, MediaTypes.BINARY_V2,
          "{\"records\":[{\"value\":\"aGVsbG8=\"}]}");
      assertEquals(200, binary.status(), binary.body());
      String jsonTopic = Topics.create(SharedKafka.bootstrapServers(), 1);
      DirectCalls.Reply json = calls.post("/topics/" + jsonTopic, MediaTypes.JSON_V2,
          "{\"records\":[{\"value\":{\"n\":1.50}},{\"key\":\"k\",\"value\":[true,null]}]}");
      assertEquals(200, json.status(), json.body());
      assertEquals(1, json.json().get("offsets").get(1).get("offset").asLong());

      String base = "/consumers/no-schemas/instances/reader";
      assertEquals(200, calls.post("/consumers/no-schemas", MediaTypes.V2,
          "{\"name\":\"reader\",\"format\":\"json\",\"auto.offset.reset\":\"earliest\"}").status());
      assertEquals(204, calls.post(base + "/subscription", MediaTypes.V2,
          "{\"topics\":[\"" + jsonTopic + "\"]}").status());
      String answers = readUntil(calls, base, 2);
      assertTrue(answers.contains("\"value\":{\"n\":1.50}"), answers); // the number exactly as produced
      assertTrue(answers.contains("\"key\":\"k\",\"value\":[true,null]"), answers);
      assertEquals(204, calls.call("DELETE", base, null, null).status());
    }
  }

  /** The bodies of the records answers, as sent, until {@code count} records came. */
  private static String readUntil(DirectCalls calls, String base, int count) {
    long deadline = System.nanoTime() + 30_000_000_000L;
    StringBuilder bodies = new StringBuilder();
    int records = 0;
    while (records < count && System.nanoTime() < deadline) {
      DirectCalls.Reply reply = calls.call("GET", base + "/records?timeout=500", null, null,
          "Accept", MediaTypes.JSON_V2);
      assertEquals(200, reply.status(), reply.body());
      records += reply.json().size();
      bodies.append(reply.body());
    }
    assertEquals(count, records, bodies.toString());
    return bodies.toString();
  }

  @Test
  void eachSchemaFormatNamesItsLibraryOnProduce() {
    try (KafkaRest rest = proxy()) {
      DirectCalls calls = new DirectCalls(rest);
      ARTIFACT_BY_TYPE.forEach((type, artifact) -> {
        DirectCalls.Reply reply = calls.post("/topics/" + topic, type,
            "{\"value_schema\":\"\\\"string\\\"\",\"records\":[{\"value\":\"x\"}]}");
        assertEquals(422, reply.status(), reply.body());
        assertEquals(42206, reply.json().get("error_code").asInt());
        assertTrue(reply.json().get("message").asText().contains(artifact), reply.body());
      });
    }
  }

  @Test
  void eachSchemaFormatNamesItsLibraryOnConsumerCreation() {
    try (KafkaRest rest = proxy()) {
      DirectCalls calls = new DirectCalls(rest);
      ARTIFACT_BY_FORMAT.forEach((format, artifact) -> {
        DirectCalls.Reply reply = calls.post("/consumers/no-schemas-" + format, MediaTypes.V2,
            "{\"format\":\"" + format + "\"}");
        assertEquals(422, reply.status(), reply.body());
        assertEquals(42206, reply.json().get("error_code").asInt());
        assertTrue(reply.json().get("message").asText().contains(artifact), reply.body());
      });
    }
  }
}
