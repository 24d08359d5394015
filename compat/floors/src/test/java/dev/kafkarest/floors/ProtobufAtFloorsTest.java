package dev.kafkarest.floors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DynamicMessage;
import dev.kafkarest.schema.proto.ProtoFiles;
import dev.kafkarest.schema.proto.ProtoParseException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The proxy's .proto parser on protobuf-java 3.25: everything but editions works; editions are refused clearly. */
class ProtobufAtFloorsTest {
  static final String SCHEMA = """
      syntax = "proto2";
      package floors;
      import "google/protobuf/descriptor.proto";
      extend google.protobuf.FieldOptions { repeated string tags = 50001; }
      message Order {
        optional group Header = 1 { optional string id = 2; }
        repeated int32 codes = 3 [packed = true, (tags) = "a", (tags) = "b"];
        optional string note = 4 [default = "caf\\u00e9"];
        extensions 100 to max;
      }
      extend Order { optional int64 trace = 100; }
      """;

  @Test
  void groupsExtensionsOptionsAndDefaults() throws Exception {
    FileDescriptor file = ProtoFiles.build(SCHEMA, Map.of());
    Descriptor order = file.findMessageTypeByName("Order");
    assertEquals(FieldDescriptor.Type.GROUP, order.findFieldByName("header").getType());
    assertTrue(order.findFieldByName("codes").isPacked());
    assertEquals("caf\u00e9", order.findFieldByName("note").getDefaultValue());
    assertEquals(2, order.findFieldByName("codes").getOptions().getUnknownFields().getField(50001)
        .getLengthDelimitedList().size());
    FieldDescriptor trace = file.findExtensionByName("trace");
    com.google.protobuf.ExtensionRegistry registry = com.google.protobuf.ExtensionRegistry.newInstance();
    registry.add(trace);
    DynamicMessage m = DynamicMessage.newBuilder(order).setField(trace, 7L).build();
    assertEquals(7L, DynamicMessage.parseFrom(order, m.toByteArray(), registry).getField(trace));
  }

  @Test
  void editionsAreRefusedNotMisread() {
    ProtoParseException e = assertThrows(ProtoParseException.class,
        () -> ProtoFiles.build("edition = \"2023\";\nmessage A { int32 x = 1; }", Map.of()));
    assertTrue(e.getMessage().contains("protobuf-java 4"), e.getMessage());
  }
}
