package dev.kafkarest.schema;

import static dev.kafkarest.schema.SchemaTestKit.bytes;
import static dev.kafkarest.schema.SchemaTestKit.concat;
import static dev.kafkarest.schema.SchemaTestKit.header;
import static dev.kafkarest.schema.SchemaTestKit.utf8;
import static dev.kafkarest.schema.SchemaTestKit.quoted;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kafkarest.KafkaRest;
import dev.kafkarest.format.EmbeddedFormat;
import dev.kafkarest.format.RecordFormat;
import dev.kafkarest.testing.DirectCalls;
import dev.kafkarest.testing.FakeSchemaRegistry;
import dev.kafkarest.testing.SharedKafka;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SharedKafka.class)
class ProtobufFormatTest {
  static final String PROTOBUF = "application/vnd.kafka.protobuf.v2+json";
  static final String SCHEMA = """
      syntax = "proto3";
      package demo;
      import "google/protobuf/timestamp.proto";
      message Person {
        string name = 1;
        int32 id = 2;
        message Address { string city = 1; int32 zip = 2; }
        Address home = 3;
        repeated string tags = 4;
        map<string, int64> scores = 5;
        google.protobuf.Timestamp born = 6;
      }
      message Pet { string name = 1; }
      """;

  static SchemaTestKit.Proxy proxy;
  static FakeSchemaRegistry registry;
  static KafkaRest rest;
  static RecordFormat protobuf;
  static DirectCalls calls;

  @BeforeAll
  static void start() throws Exception {
    proxy = SchemaTestKit.startProxy();
    registry = proxy.registry();
    rest = proxy.rest();
    calls = proxy.calls();
    protobuf = proxy.formats().get(EmbeddedFormat.PROTOBUF);
  }

  @AfterAll
  static void stop() {
    proxy.close();
  }


  @Test
  void producedBytesCarryHeaderIndexZeroAndTheMessage_checkedByHand() {
    String topic = SchemaTestKit.newTopic("pb");
    DirectCalls.Reply reply = calls.post("/topics/" + topic, PROTOBUF, "{\"value_schema\":" + quoted(SCHEMA)
        + ",\"records\":[{\"value\":{\"name\":\"Al\",\"id\":150}},"
        + "{\"value\":{\"name\":\"Bo\",\"home\":{\"city\":\"Oslo\"},\"tags\":[\"a\"],\"scores\":{\"x\":2},"
        + "\"born\":\"2024-01-02T03:04:05Z\"}}]}");
    assertEquals(200, reply.status(), reply.body());
    int id = reply.json().get("value_schema_id").asInt();
    List<ConsumerRecord<byte[], byte[]>> read = SchemaTestKit.read(topic, 2);
    // header, index path [0] as the single byte 0, then field 1 (tag 0x0a, len 2, "Al"),
    // field 2 varint 150 (tag 0x10, 0x96 0x01).
    assertArrayEquals(concat(header(id), bytes(0), bytes(0x0a, 2), utf8("Al"), bytes(0x10, 0x96, 0x01)),
        read.get(0).value());
    assertEquals("{\"name\":\"Al\",\"id\":150,\"tags\":[],\"scores\":{}}",
        SchemaTestKit.render(protobuf.decode(topic, false, read.get(0).value())));
    assertEquals("{\"name\":\"Bo\",\"id\":0,\"home\":{\"city\":\"Oslo\",\"zip\":0},\"tags\":[\"a\"],"
            + "\"scores\":{\"x\":\"2\"},\"born\":\"2024-01-02T03:04:05Z\"}",
        SchemaTestKit.render(protobuf.decode(topic, false, read.get(1).value())));
  }

  @Test
  void nestedMessageWrittenByAnotherClientDecodesByItsIndexPath() {
    int id = registry.register("people-value", "PROTOBUF", SCHEMA);
    String topic = SchemaTestKit.newTopic("pb-nested");
    // Person.Address is path [0, 0]: count 2, then 0, 0, each zig-zag -> bytes 4, 0, 0.
    byte[] address = concat(header(id), bytes(4, 0, 0), bytes(0x0a, 3), utf8("Rio"), bytes(0x10, 7));
    // Pet is path [1]: count 1, index 1 -> zig-zag bytes 2, 2.
    byte[] pet = concat(header(id), bytes(2, 2), bytes(0x0a, 3), utf8("Rex"));
    SchemaTestKit.write(topic, null, address);
    SchemaTestKit.write(topic, null, pet);
    List<ConsumerRecord<byte[], byte[]>> read = SchemaTestKit.read(topic, 2);
    assertEquals("{\"city\":\"Rio\",\"zip\":7}", SchemaTestKit.render(protobuf.decode(topic, false, read.get(0).value())));
    assertEquals("{\"name\":\"Rex\"}", SchemaTestKit.render(protobuf.decode(topic, false, read.get(1).value())));
    assertArrayEquals(bytes(4, 0, 0), WireFormat.messageIndexes(List.of(0, 0)));
    assertArrayEquals(bytes(2, 2), WireFormat.messageIndexes(List.of(1)));

    byte[] badIndex = concat(header(id), bytes(2, 10), bytes(0x0a, 1, 'x'));
    assertThrows(SerializationException.class, () -> protobuf.decode(topic, false, badIndex));
  }

  @Test
  void importsThroughRegistryReferences() {
    String common = "syntax = \"proto3\"; package common; message Money { int64 cents = 1; }";
    registry.register("common.proto", "PROTOBUF", common);
    String main = "syntax = \"proto3\"; import \"common.proto\"; message Price { common.Money amount = 1; }";
    int id = registry.register("prices-value", "PROTOBUF", main,
        List.of(Map.of("name", "common.proto", "subject", "common.proto", "version", 1)));
    byte[] value = concat(header(id), bytes(0), bytes(0x0a, 2, 0x08, 0x05)); // amount { cents: 5 }
    assertEquals("{\"amount\":{\"cents\":\"5\"}}", SchemaTestKit.render(protobuf.decode("prices", false, value)));

    String topic = SchemaTestKit.newTopic("pb-ref");
    registry.register(topic + "-value", "PROTOBUF", main,
        List.of(Map.of("name", "common.proto", "subject", "common.proto", "version", 1)));
    DirectCalls.Reply reply = calls.post("/topics/" + topic, PROTOBUF,
        "{\"value_schema_id\":" + id + ",\"records\":[{\"value\":{\"amount\":{\"cents\":\"5\"}}}]}");
    assertEquals(200, reply.status(), reply.body());
    assertArrayEquals(value, SchemaTestKit.read(topic, 1).get(0).value());
  }

  @Test
  void anyHoldingAMessageOfTheSchemaRoundTrips() {
    String schema = "syntax = \"proto3\"; package p; import \"google/protobuf/any.proto\";"
        + " message Envelope { google.protobuf.Any body = 1; } message Inner { int32 x = 1; }";
    String topic = SchemaTestKit.newTopic("pb-any");
    String value = "{\"body\":{\"@type\":\"type.googleapis.com/p.Inner\",\"x\":5}}";
    DirectCalls.Reply reply = calls.post("/topics/" + topic, PROTOBUF, "{\"value_schema\":" + quoted(schema)
        + ",\"records\":[{\"value\":" + value + "}]}");
    assertEquals(200, reply.status(), reply.body());
    byte[] read = SchemaTestKit.read(topic, 1).get(0).value();
    assertEquals(value, SchemaTestKit.render(protobuf.decode(topic, false, read)));
  }

  @Test
  void badDataAndBadSchemasAreClear4xx() {
    String topic = SchemaTestKit.newTopic("pb-bad");
    DirectCalls.Reply unknownField = calls.post("/topics/" + topic, PROTOBUF, "{\"value_schema\":" + quoted(SCHEMA)
        + ",\"records\":[{\"value\":{\"nope\":1}}]}");
    assertEquals(400, unknownField.status(), unknownField.body());
    assertTrue(unknownField.json().get("message").asText().startsWith("Bad Request: "));

    DirectCalls.Reply wrongType = calls.post("/topics/" + topic, PROTOBUF, "{\"value_schema\":" + quoted(SCHEMA)
        + ",\"records\":[{\"value\":{\"id\":\"many\"}}]}");
    assertEquals(400, wrongType.status(), wrongType.body());

    DirectCalls.Reply badSchema = calls.post("/topics/" + topic, PROTOBUF,
        "{\"value_schema\":\"message {\",\"records\":[{\"value\":{}}]}");
    assertEquals(400, badSchema.status(), badSchema.body());
    assertTrue(badSchema.json().get("message").asText().contains("Error parsing schema"), badSchema.body());

    for (DirectCalls.Reply r : List.of(unknownField, wrongType, badSchema)) {
      SchemaTestKit.assertSafeError(r);
    }

    int avroId = registry.register("x-value", "AVRO", "\"string\"");
    DirectCalls.Reply wrongKind = calls.post("/topics/" + topic, PROTOBUF,
        "{\"value_schema_id\":" + avroId + ",\"records\":[{\"value\":{}}]}");
    assertEquals(422, wrongKind.status(), wrongKind.body());
    assertEquals(42205, wrongKind.json().get("error_code").asInt());
  }
}
