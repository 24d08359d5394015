package dev.kafkarest.schema;

import static dev.kafkarest.schema.SchemaTestKit.concat;
import static dev.kafkarest.schema.SchemaTestKit.header;
import static dev.kafkarest.schema.SchemaTestKit.utf8;
import static dev.kafkarest.schema.SchemaTestKit.quoted;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kafkarest.KafkaRest;
import dev.kafkarest.format.EmbeddedFormat;
import dev.kafkarest.format.RecordFormat;
import dev.kafkarest.testing.DirectCalls;
import dev.kafkarest.testing.FakeSchemaRegistry;
import dev.kafkarest.testing.SharedKafka;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SharedKafka.class)
class JsonSchemaFormatTest {
  static final String JSONSCHEMA = "application/vnd.kafka.jsonschema.v2+json";
  static final String SCHEMA = "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"},"
      + "\"age\":{\"type\":\"integer\",\"minimum\":0}},\"required\":[\"name\"],\"additionalProperties\":false}";

  static SchemaTestKit.Proxy proxy;
  static FakeSchemaRegistry registry;
  static KafkaRest rest;
  static RecordFormat jsonschema;
  static DirectCalls calls;

  @BeforeAll
  static void start() throws Exception {
    proxy = SchemaTestKit.startProxy();
    registry = proxy.registry();
    rest = proxy.rest();
    calls = proxy.calls();
    jsonschema = proxy.formats().get(EmbeddedFormat.JSONSCHEMA);
  }

  @AfterAll
  static void stop() {
    proxy.close();
  }


  @Test
  void validDocumentIsHeaderPlusCompactJson_checkedByHand() {
    String topic = SchemaTestKit.newTopic("js");
    DirectCalls.Reply reply = calls.post("/topics/" + topic, JSONSCHEMA, "{\"value_schema\":" + quoted(SCHEMA)
        + ",\"records\":[{\"value\": { \"name\" : \"Ann\", \"age\" : 30 }}]}");
    assertEquals(200, reply.status(), reply.body());
    int id = reply.json().get("value_schema_id").asInt();
    List<ConsumerRecord<byte[], byte[]>> read = SchemaTestKit.read(topic, 1);
    assertArrayEquals(concat(header(id), utf8("{\"name\":\"Ann\",\"age\":30}")), read.get(0).value());
    assertEquals("{\"name\":\"Ann\",\"age\":30}",
        SchemaTestKit.render(jsonschema.decode(topic, false, read.get(0).value())));
  }

  @Test
  void documentThatBreaksTheSchemaIs400() {
    String topic = SchemaTestKit.newTopic("js-bad");
    for (String bad : List.of("{\"age\":3}", "{\"name\":\"A\",\"age\":-1}", "{\"name\":\"A\",\"extra\":1}", "42")) {
      DirectCalls.Reply reply = calls.post("/topics/" + topic, JSONSCHEMA, "{\"value_schema\":" + quoted(SCHEMA)
          + ",\"records\":[{\"value\":" + bad + "}]}");
      assertEquals(400, reply.status(), bad + " -> " + reply.body());
      assertEquals(400, reply.json().get("error_code").asInt());
      SchemaTestKit.assertSafeError(reply);
      assertTrue(reply.json().get("message").asText().startsWith("Bad Request: JSON document does not match"),
          reply.body());
    }
    DirectCalls.Reply nullRefused = calls.post("/topics/" + topic, JSONSCHEMA, "{\"value_schema\":" + quoted(SCHEMA)
        + ",\"records\":[{\"value\":null}]}");
    assertEquals(400, nullRefused.status(), nullRefused.body());
    String nullable = "{\"type\":[\"object\",\"null\"]}";
    DirectCalls.Reply nullAccepted = calls.post("/topics/" + topic, JSONSCHEMA, "{\"value_schema\":"
        + quoted(nullable) + ",\"records\":[{\"value\":null}]}");
    assertEquals(200, nullAccepted.status(), nullAccepted.body());
    assertNull(SchemaTestKit.read(topic, 1).get(0).value(), "an accepted null is a Kafka null");
    DirectCalls.Reply notJson = calls.post("/topics/" + topic, JSONSCHEMA,
        "{\"value_schema\":\"{not json\",\"records\":[{\"value\":1}]}");
    assertEquals(400, notJson.status(), notJson.body());
  }

  @Test
  void remoteRefsAreNeverFetched() {
    String topic = SchemaTestKit.newTopic("js-ref");
    String schema = "{\"$ref\":\"" + registry.url() + "/schemas/ids/1\"}";
    int before = registry.callCount();
    DirectCalls.Reply reply = calls.post("/topics/" + topic, JSONSCHEMA, "{\"value_schema\":" + quoted(schema)
        + ",\"records\":[{\"value\":{\"name\":\"A\"}}]}");
    assertTrue(reply.status() >= 400 && reply.status() < 500, reply.body());
    // lookup + register of the schema itself are expected; a fetch of the $ref target is not.
    assertTrue(registry.callCount() - before <= 2, "calls: " + (registry.callCount() - before));
  }

  @Test
  void referencesResolveThroughTheRegistry() {
    String customer = "{\"type\":\"object\",\"properties\":{\"n\":{\"type\":\"integer\"}},\"required\":[\"n\"]}";
    registry.register("customer", "JSON", customer);
    String order = "{\"type\":\"object\",\"properties\":{\"c\":{\"$ref\":\"customer.json\"}}}";
    String topic = SchemaTestKit.newTopic("js-refs");
    int id = registry.register(topic + "-value", "JSON", order,
        List.of(java.util.Map.of("name", "customer.json", "subject", "customer", "version", 1)));
    DirectCalls.Reply ok = calls.post("/topics/" + topic, JSONSCHEMA,
        "{\"value_schema_id\":" + id + ",\"records\":[{\"value\":{\"c\":{\"n\":1}}}]}");
    assertEquals(200, ok.status(), ok.body());
    DirectCalls.Reply bad = calls.post("/topics/" + topic, JSONSCHEMA,
        "{\"value_schema_id\":" + id + ",\"records\":[{\"value\":{\"c\":{\"n\":\"one\"}}}]}");
    assertEquals(400, bad.status(), bad.body());
  }

  @Test
  void foreignBytesDecodeAndGarbageIsASerializationError() {
    int id = registry.register("js-foreign-value", "JSON", SCHEMA);
    String topic = SchemaTestKit.newTopic("js-foreign");
    SchemaTestKit.write(topic, null, concat(header(id), utf8("{\"name\":\"Zed\"}")));
    byte[] value = SchemaTestKit.read(topic, 1).get(0).value();
    assertEquals("{\"name\":\"Zed\"}", SchemaTestKit.render(jsonschema.decode(topic, false, value)));
    assertThrows(SerializationException.class,
        () -> jsonschema.decode("js-foreign", false, concat(header(id), utf8("{oops"))));
  }
}
