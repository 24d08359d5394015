package dev.kafkarest.schema;

import static dev.kafkarest.schema.SchemaTestKit.bytes;
import static dev.kafkarest.schema.SchemaTestKit.concat;
import static dev.kafkarest.schema.SchemaTestKit.header;
import static dev.kafkarest.schema.SchemaTestKit.utf8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kafkarest.KafkaRest;
import dev.kafkarest.format.EmbeddedFormat;
import dev.kafkarest.format.RecordFormat;
import dev.kafkarest.http.Json;
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
class AvroFormatTest {
  static final String AVRO = "application/vnd.kafka.avro.v2+json";
  static final String USER = "{\"type\":\"record\",\"name\":\"User\",\"namespace\":\"t\",\"fields\":["
      + "{\"name\":\"name\",\"type\":\"string\"},{\"name\":\"age\",\"type\":\"int\"}]}";

  static SchemaTestKit.Proxy proxy;
  static FakeSchemaRegistry registry;
  static KafkaRest rest;
  static RecordFormat avro;
  static DirectCalls calls;

  @BeforeAll
  static void start() throws Exception {
    proxy = SchemaTestKit.startProxy();
    registry = proxy.registry();
    rest = proxy.rest();
    calls = proxy.calls();
    avro = proxy.formats().get(EmbeddedFormat.AVRO);
  }

  @AfterAll
  static void stop() {
    proxy.close();
  }

  static String body(String schemaFields, String records) {
    return "{" + schemaFields + ",\"records\":" + records + "}";
  }

  static String quoted(String schema) {
    return Json.MAPPER.valueToTree(schema).toString();
  }

  @Test
  void producedBytesAreConfluentWireFormat_checkedByHand() {
    String topic = SchemaTestKit.newTopic("avro-golden");
    DirectCalls.Reply reply = calls.post("/topics/" + topic, AVRO, body(
        "\"key_schema\":\"\\\"string\\\"\",\"value_schema\":" + quoted(USER),
        "[{\"key\":\"k1\",\"value\":{\"name\":\"Ann\",\"age\":-3}}]"));
    assertEquals(200, reply.status(), reply.body());
    JsonNode json = reply.json();
    int keyId = json.get("key_schema_id").asInt();
    int valueId = json.get("value_schema_id").asInt();
    assertTrue(keyId > 0 && valueId > 0 && keyId != valueId, reply.body());

    ConsumerRecord<byte[], byte[]> record = SchemaTestKit.read(topic, 1).get(0);
    // Avro string: zig-zag length (2*2=4) then UTF-8 bytes.
    assertArrayEquals(concat(header(keyId), bytes(4), utf8("k1")), record.key());
    // Record = fields in order: string "Ann" (len 3 -> zig-zag 6), int -3 (zig-zag 5).
    assertArrayEquals(concat(header(valueId), bytes(6), utf8("Ann"), bytes(5)), record.value());

    assertEquals("{\"name\":\"Ann\",\"age\":-3}", SchemaTestKit.render(avro.decode(topic, false, record.value())));
    assertEquals("\"k1\"", SchemaTestKit.render(avro.decode(topic, true, record.key())));
  }

  @Test
  void unionsAndLogicalTypesUseAvroJsonEncoding() {
    String schema = "{\"type\":\"record\",\"name\":\"Payment\",\"fields\":["
        + "{\"name\":\"note\",\"type\":[\"null\",\"string\"],\"default\":null},"
        + "{\"name\":\"when\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"}},"
        + "{\"name\":\"day\",\"type\":{\"type\":\"int\",\"logicalType\":\"date\"}},"
        + "{\"name\":\"amount\",\"type\":{\"type\":\"bytes\",\"logicalType\":\"decimal\",\"precision\":9,"
        + "\"scale\":2}}]}";
    String topic = SchemaTestKit.newTopic("avro-union");
    // decimal 2.55 at scale 2 is the unscaled integer 255 = bytes 0x00 0xFF, written as the string "\u0000ÿ".
    String records = "[{\"value\":{\"note\":{\"string\":\"hi\"},\"when\":1700000000000,\"day\":19000,"
        + "\"amount\":\"\\u0000\\u00ff\"}},"
        + "{\"value\":{\"note\":null,\"when\":1,\"day\":0,\"amount\":\"\\u0001\"}}]";
    DirectCalls.Reply reply = calls.post("/topics/" + topic, AVRO, body("\"value_schema\":" + quoted(schema), records));
    assertEquals(200, reply.status(), reply.body());
    List<ConsumerRecord<byte[], byte[]>> read = SchemaTestKit.read(topic, 2);
    int id = reply.json().get("value_schema_id").asInt();
    // Second record by hand: union branch 0 (null) = zig-zag 0; long 1 = 2; int 0 = 0; bytes len 1 = 2, 0x01.
    assertArrayEquals(concat(header(id), bytes(0, 2, 0, 2, 1)), read.get(1).value());
    assertEquals("{\"note\":{\"string\":\"hi\"},\"when\":1700000000000,\"day\":19000,\"amount\":\"\\u0000ÿ\"}",
        SchemaTestKit.render(avro.decode(topic, false, read.get(0).value())));
    assertEquals("{\"note\":null,\"when\":1,\"day\":0,\"amount\":\"\\u0001\"}",
        SchemaTestKit.render(avro.decode(topic, false, read.get(1).value())));
  }

  @Test
  void bytesWrittenByAnotherClientDecode() {
    int id = registry.register("other-value", "AVRO", USER);
    String topic = SchemaTestKit.newTopic("avro-foreign");
    byte[] value = concat(header(id), bytes(8), utf8("Bert"), bytes(84)); // "Bert", 42
    SchemaTestKit.write(topic, null, value);
    byte[] read = SchemaTestKit.read(topic, 1).get(0).value();
    assertEquals("{\"name\":\"Bert\",\"age\":42}", SchemaTestKit.render(avro.decode(topic, false, read)));
  }

  @Test
  void namedTypesFromReferencedSchemas() {
    String address = "{\"type\":\"record\",\"name\":\"Address\",\"namespace\":\"t\",\"fields\":["
        + "{\"name\":\"city\",\"type\":\"string\"}]}";
    registry.register("address", "AVRO", address);
    String person = "{\"type\":\"record\",\"name\":\"Person\",\"namespace\":\"t\",\"fields\":["
        + "{\"name\":\"home\",\"type\":\"t.Address\"}]}";
    int id = registry.register("person-value", "AVRO", person,
        List.of(java.util.Map.of("name", "t.Address", "subject", "address", "version", 1)));
    byte[] value = concat(header(id), bytes(6), utf8("Rom"));
    assertEquals("{\"home\":{\"city\":\"Rom\"}}", SchemaTestKit.render(avro.decode("person", false, value)));
  }

  @Test
  void schemaIdMustBeRegisteredUnderTheTopicSubject() {
    String topic = SchemaTestKit.newTopic("avro-byid");
    int id = registry.register(topic + "-value", "AVRO", USER);
    DirectCalls.Reply ok = calls.post("/topics/" + topic, AVRO,
        body("\"value_schema_id\":" + id, "[{\"value\":{\"name\":\"A\",\"age\":1}}]"));
    assertEquals(200, ok.status(), ok.body());
    assertEquals(id, ok.json().get("value_schema_id").asInt());
    assertTrue(ok.json().get("key_schema_id").isNull());

    int elsewhere = registry.register("unrelated-value", "AVRO", "\"long\"");
    DirectCalls.Reply wrongSubject = calls.post("/topics/" + topic, AVRO,
        body("\"value_schema_id\":" + elsewhere, "[{\"value\":1}]"));
    assertEquals(422, wrongSubject.status(), wrongSubject.body());
    assertEquals(42207, wrongSubject.json().get("error_code").asInt());

    DirectCalls.Reply unknownId = calls.post("/topics/" + topic, AVRO,
        body("\"value_schema_id\":99999", "[{\"value\":1}]"));
    assertEquals(422, unknownId.status(), unknownId.body());
    assertEquals(42207, unknownId.json().get("error_code").asInt());
  }

  @Test
  void clientMistakesAreClear4xx() {
    String topic = SchemaTestKit.newTopic("avro-errors");
    DirectCalls.Reply noKeySchema = calls.post("/topics/" + topic, AVRO,
        body("\"value_schema\":" + quoted(USER), "[{\"key\":\"k\",\"value\":{\"name\":\"A\",\"age\":1}}]"));
    assertEquals(422, noKeySchema.status());
    assertEquals(42201, noKeySchema.json().get("error_code").asInt());

    DirectCalls.Reply noValueSchema = calls.post("/topics/" + topic, AVRO,
        body("\"key_schema\":\"\\\"string\\\"\"", "[{\"key\":\"k\",\"value\":{\"name\":\"A\",\"age\":1}}]"));
    assertEquals(422, noValueSchema.status());
    assertEquals(42202, noValueSchema.json().get("error_code").asInt());

    DirectCalls.Reply badData = calls.post("/topics/" + topic, AVRO,
        body("\"value_schema\":" + quoted(USER), "[{\"value\":{\"name\":\"A\",\"age\":\"old\"}}]"));
    assertEquals(400, badData.status(), badData.body());
    assertTrue(badData.json().get("message").asText().startsWith("Bad Request: "), badData.body());

    DirectCalls.Reply badSchema = calls.post("/topics/" + topic, AVRO,
        body("\"value_schema\":\"{\\\"type\\\":\\\"nope\\\"}\"", "[{\"value\":1}]"));
    assertEquals(400, badSchema.status(), badSchema.body());
    assertTrue(badSchema.json().get("message").asText().contains("Error parsing schema"), badSchema.body());

    DirectCalls.Reply notJson = calls.post("/topics/" + topic, AVRO,
        body("\"value_schema\":\"{not json" + "x".repeat(5000) + "\"", "[{\"value\":1}]"));
    assertEquals(400, notJson.status(), notJson.body());
    for (DirectCalls.Reply r : List.of(noKeySchema, noValueSchema, badData, badSchema, notJson)) {
      SchemaTestKit.assertSafeError(r);
    }

    DirectCalls.Reply both = calls.post("/topics/" + topic, AVRO,
        body("\"value_schema\":\"\\\"int\\\"\",\"value_schema_id\":1", "[{\"value\":1}]"));
    assertEquals(400, both.status(), both.body());

    DirectCalls.Reply nullNotAllowed = calls.post("/topics/" + topic, AVRO,
        body("\"value_schema\":" + quoted(USER), "[{\"value\":null}]"));
    assertEquals(400, nullNotAllowed.status(), nullNotAllowed.body());
  }

  @Test
  void unknownMagicByteIsASerializationError() {
    SerializationException e = assertThrows(SerializationException.class,
        () -> avro.decode("t", false, bytes(1, 0, 0, 0, 1, 2)));
    assertTrue(e.getMessage().contains("magic byte"), e.getMessage());
    assertThrows(SerializationException.class, () -> avro.decode("t", false, bytes(0, 0)));
    assertThrows(SerializationException.class, () -> avro.decode("t", false, concat(header(424242), bytes(2))));
  }

  @Test
  void steadyStreamMakesNoRegistryCallAfterTheFirstRequest() {
    String topic = SchemaTestKit.newTopic("avro-steady");
    String request = body("\"key_schema\":\"\\\"string\\\"\",\"value_schema\":" + quoted(USER),
        "[{\"key\":\"a\",\"value\":{\"name\":\"A\",\"age\":1}},{\"key\":\"b\",\"value\":{\"name\":\"B\",\"age\":2}}]");
    assertEquals(200, calls.post("/topics/" + topic, AVRO, request).status());
    registry.resetCallCount();
    for (int i = 0; i < 20; i++) {
      assertEquals(200, calls.post("/topics/" + topic, AVRO, request).status());
    }
    assertEquals(0, registry.callCount(), "registry calls for 20 further requests");

    int valueId = calls.post("/topics/" + topic, AVRO, request).json().get("value_schema_id").asInt();
    String byId = body("\"value_schema_id\":" + valueId, "[{\"value\":{\"name\":\"C\",\"age\":3}}]");
    assertEquals(200, calls.post("/topics/" + topic, AVRO, byId).status());
    registry.resetCallCount();
    for (int i = 0; i < 20; i++) {
      assertEquals(200, calls.post("/topics/" + topic, AVRO, byId).status());
    }
    assertEquals(0, registry.callCount(), "registry calls for 20 further requests by schema id");

    List<ConsumerRecord<byte[], byte[]>> read = SchemaTestKit.read(topic, 42).subList(0, 42);
    registry.resetCallCount();
    for (ConsumerRecord<byte[], byte[]> r : read) {
      avro.decode(topic, false, r.value());
      avro.decode(topic, true, r.key());
    }
    assertTrue(registry.callCount() <= 2, "at most one fetch per schema id, got " + registry.callCount());
  }

  @Test
  void nullValueWithNullableSchemaIsAKafkaNull() {
    String topic = SchemaTestKit.newTopic("avro-null");
    DirectCalls.Reply reply = calls.post("/topics/" + topic, AVRO,
        body("\"value_schema\":\"[\\\"null\\\",\\\"int\\\"]\"", "[{\"value\":null},{\"value\":{\"int\":7}}]"));
    assertEquals(200, reply.status(), reply.body());
    List<ConsumerRecord<byte[], byte[]>> read = SchemaTestKit.read(topic, 2);
    assertNull(read.get(0).value());
    int id = reply.json().get("value_schema_id").asInt();
    assertArrayEquals(concat(header(id), bytes(2, 14)), read.get(1).value());
  }
}
