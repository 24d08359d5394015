package dev.kafkarest.schema;

import static dev.kafkarest.schema.SchemaTestKit.concat;
import static dev.kafkarest.schema.SchemaTestKit.header;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.util.JsonFormat;
import dev.kafkarest.format.EmbeddedFormat;
import dev.kafkarest.format.RecordFormat;
import dev.kafkarest.schema.proto.ProtoFiles;
import dev.kafkarest.schema.proto.Protoc;
import dev.kafkarest.testing.DirectCalls;
import dev.kafkarest.testing.SharedKafka;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Schemas beyond plain proto3 through the proxy: what is produced must be the bytes protobuf-java's
 * DynamicMessage writes with protoc's own descriptor of the schema, and what is consumed must read as protoc's
 * descriptor reads it.
 */
@ExtendWith(SharedKafka.class)
class ProtobufSchemasEndToEndTest {
  static final String PROTOBUF = "application/vnd.kafka.protobuf.v2+json";

  static final String GROUPS = """
      syntax = "proto2";
      package e2e.groups;
      message Order {
        optional group Header = 1 {
          required string id = 2;
          repeated int32 codes = 3 [packed = true];
        }
        repeated group Line = 4 {
          optional string sku = 5;
          optional int32 qty = 6 [default = 1];
        }
        optional string note = 7 [default = "caf\\u00e9 \\303\\251"];
      }
      """;

  static final String EDITIONS = """
      edition = "2023";
      package e2e.editions;
      message Reading {
        string sensor = 1;
        int32 value = 2 [features.field_presence = IMPLICIT];
        repeated int32 samples = 3;
        Reading previous = 4 [features.message_encoding = DELIMITED];
        Unit unit = 5;
        enum Unit {
          option features.enum_type = CLOSED;
          CELSIUS = 1;
          KELVIN = 2;
        }
      }
      """;

  static final String EXTENSIONS = """
      syntax = "proto2";
      package e2e.ext;
      message Event {
        required string id = 1;
        optional Payload payload = 2;
        extensions 100 to 199;
      }
      message Payload {
        option message_set_wire_format = true;
        extensions 4 to max;
      }
      extend Event {
        optional string source = 100;
        repeated int64 hops = 101;
      }
      message Wrapped {
        extend Payload { optional Wrapped wrapped = 1000; }
        optional int32 n = 1;
      }
      """;

  /** Written here after Confluent's meta.proto (data contracts): doc, params and tags on messages and fields. */
  static final String META = """
      syntax = "proto3";
      package confluent;
      import "google/protobuf/descriptor.proto";
      message Meta {
        string doc = 1;
        map<string, string> params = 2;
        repeated string tags = 3;
      }
      extend google.protobuf.FileOptions { Meta file_meta = 1088; }
      extend google.protobuf.MessageOptions { Meta message_meta = 1088; }
      extend google.protobuf.FieldOptions { Meta field_meta = 1088; }
      extend google.protobuf.EnumOptions { Meta enum_meta = 1088; }
      extend google.protobuf.EnumValueOptions { Meta enum_value_meta = 1088; }
      """;

  static final String CUSTOMER = """
      syntax = "proto3";
      package e2e.contracts;
      import "confluent/meta.proto";
      option (confluent.file_meta).doc = "customers";
      message Customer {
        option (confluent.message_meta) = { doc: "A customer", params: [{ key: "owner" value: "crm" }] };
        string name = 1 [(confluent.field_meta) = { tags: ["PII", "NAME"] }];
        string email = 2 [(confluent.field_meta).tags = "PII"];
        Tier tier = 3;
        enum Tier {
          option (confluent.enum_meta).doc = "levels";
          TIER_UNSPECIFIED = 0;
          GOLD = 1 [(confluent.enum_value_meta) = { tags: ["TOP"] }];
        }
      }
      """;

  static SchemaTestKit.Proxy proxy;
  static RecordFormat protobuf;
  static DirectCalls calls;

  @BeforeAll
  static void start() throws Exception {
    assumeTrue(Protoc.available(), "protoc from Maven Central runs on linux-x86_64 only");
    proxy = SchemaTestKit.startProxy();
    calls = proxy.calls();
    protobuf = proxy.formats().get(EmbeddedFormat.PROTOBUF);
  }

  @AfterAll
  static void stop() {
    if (proxy != null) {
      proxy.close();
    }
  }

  @Test
  void proto2Groups() throws Exception {
    roundTrip("pb-groups", GROUPS, Map.of(),
        "{\"header\":{\"id\":\"H1\",\"codes\":[1,2,300]},\"line\":[{\"sku\":\"a\",\"qty\":2},{\"sku\":\"b\"}]}");
  }

  @Test
  void missingRequiredFieldsAreA400() {
    String topic = SchemaTestKit.newTopic("pb-required");
    int id = proxy.registry().register(topic + "-value", "PROTOBUF", EXTENSIONS);
    for (String value : List.of("{\"payload\":{}}", "{\"id\":\"x\",\"payload\":{}}")) {
      DirectCalls.Reply reply = calls.post("/topics/" + topic, PROTOBUF,
          "{\"value_schema_id\":" + id + ",\"records\":[{\"value\":" + value + "}]}");
      if (value.contains("\"id\"")) {
        assertEquals(200, reply.status(), reply.body());
      } else {
        // Event.id is required: a message without it cannot be written.
        assertEquals(400, reply.status(), reply.body());
        assertTrue(reply.body().contains("required fields are missing: id"), reply.body());
        SchemaTestKit.assertSafeError(reply);
      }
    }
  }

  @Test
  void editionsWithFeatures() throws Exception {
    roundTrip("pb-editions", EDITIONS, Map.of(), "{\"sensor\":\"t1\",\"value\":0,\"samples\":[1,2,3],"
        + "\"previous\":{\"sensor\":\"t0\",\"value\":7,\"unit\":\"KELVIN\"},\"unit\":\"CELSIUS\"}");
  }

  @Test
  void proto2ExtensionsAndMessageSets() throws Exception {
    FileDescriptor protoc = roundTrip("pb-ext", EXTENSIONS, Map.of(), "{\"id\":\"e1\",\"payload\":{}}");
    // A record written by another client with extensions set: consumed as protoc's descriptor reads it.
    Descriptor event = protoc.findMessageTypeByName("Event");
    Descriptor wrapped = protoc.findMessageTypeByName("Wrapped");
    FieldDescriptor wrappedExt = wrapped.getExtensions().get(0);
    DynamicMessage payload = DynamicMessage.newBuilder(protoc.findMessageTypeByName("Payload"))
        .setField(wrappedExt, DynamicMessage.newBuilder(wrapped).setField(wrapped.findFieldByName("n"), 5).build())
        .build();
    DynamicMessage written = DynamicMessage.newBuilder(event).setField(event.findFieldByName("id"), "e2")
        .setField(protoc.findExtensionByName("source"), "app")
        .addRepeatedField(protoc.findExtensionByName("hops"), 9L)
        .setField(event.findFieldByName("payload"), payload).build();
    String topic = SchemaTestKit.newTopic("pb-ext-in");
    int id = proxy.registry().register(topic + "-value", "PROTOBUF", EXTENSIONS);
    byte[] record = concat(header(id), new byte[] {0}, written.toByteArray());
    assertEquals(printer().print(DynamicMessage.parseFrom(event, written.toByteArray())),
        SchemaTestKit.render(protobuf.decode(topic, false, record)));
  }

  @Test
  void confluentStyleCustomOptions() throws Exception {
    FileDescriptor protoc = roundTrip("pb-meta", CUSTOMER, Map.of("confluent/meta.proto", META),
        "{\"name\":\"Ann\",\"email\":\"ann@example.com\",\"tier\":\"GOLD\"}");
    // The options themselves are protoc's: same bytes on the message, the fields and the enum value.
    FileDescriptor ours = ProtoFiles.build(CUSTOMER, Map.of("confluent/meta.proto", META));
    Descriptor p = protoc.findMessageTypeByName("Customer");
    Descriptor o = ours.findMessageTypeByName("Customer");
    assertEquals(p.getOptions().toByteString(), o.getOptions().toByteString());
    assertEquals(p.findFieldByName("name").getOptions().toByteString(),
        o.findFieldByName("name").getOptions().toByteString());
    assertEquals(p.getEnumTypes().get(0).getValues().get(1).getOptions().toByteString(),
        o.getEnumTypes().get(0).getValues().get(1).getOptions().toByteString());
  }

  /**
   * Produces {@code json} with {@code schema} (imports registered as references), checks the bytes in Kafka
   * against DynamicMessage with protoc's descriptor, and consumes them back. Returns protoc's descriptor.
   */
  private static FileDescriptor roundTrip(String prefix, String schema, Map<String, String> imports, String json)
      throws Exception {
    Map<String, String> files = new java.util.HashMap<>(imports);
    files.put("main.proto", schema);
    FileDescriptor protoc = Protoc.descriptor(files, "main.proto");
    Descriptor type = protoc.getMessageTypes().get(0);
    DynamicMessage.Builder expected = DynamicMessage.newBuilder(type);
    JsonFormat.parser().merge(json, expected);

    String topic = SchemaTestKit.newTopic(prefix);
    List<Map<String, Object>> references = new java.util.ArrayList<>();
    for (Map.Entry<String, String> i : imports.entrySet()) {
      proxy.registry().register(i.getKey(), "PROTOBUF", i.getValue());
      references.add(Map.of("name", i.getKey(), "subject", i.getKey(), "version", 1));
    }
    int id = proxy.registry().register(topic + "-value", "PROTOBUF", schema, references);
    DirectCalls.Reply reply = calls.post("/topics/" + topic, PROTOBUF,
        "{\"value_schema_id\":" + id + ",\"records\":[{\"value\":" + json + "}]}");
    assertEquals(200, reply.status(), reply.body());
    byte[] read = SchemaTestKit.read(topic, 1).get(0).value();
    assertArrayEquals(concat(header(id), new byte[] {0}, expected.build().toByteArray()), read);
    assertEquals(printer().print(expected.build()), SchemaTestKit.render(protobuf.decode(topic, false, read)));
    return protoc;
  }

  private static JsonFormat.Printer printer() {
    return JsonFormat.printer().alwaysPrintFieldsWithNoPresence().omittingInsignificantWhitespace();
  }
}
