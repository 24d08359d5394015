package dev.kafkarest.schema.proto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProtoParserTest {
  static final String ORDER = """
      syntax = "proto3";
      // a comment
      package shop.v1;
      import "google/protobuf/timestamp.proto";
      option java_package = "com.example.shop";  /* file option, ignored */

      message Order {
        option deprecated = false;
        string id = 1 [json_name = "orderId"];
        repeated Line lines = 2;
        map<string, int32> tags = 3;
        Status status = 4;
        oneof payment {
          string card = 5;
          string voucher = 6;
        }
        optional int64 priority = 7;
        google.protobuf.Timestamp placed_at = 8;
        reserved 9, 10 to 12;
        reserved "legacy";
        message Line {
          string sku = 1;
          repeated uint32 quantity = 2 [packed = true];
          Kind kind = 3;
          enum Kind { KIND_UNSPECIFIED = 0; BOOK = 1; }
        }
        enum Status {
          option allow_alias = true;
          STATUS_UNSPECIFIED = 0;
          PLACED = 1;
          SENT = 2 [deprecated = true];
          SHIPPED = 2;
        }
      }
      service Shop { rpc Place (Order) returns (Order) { option idempotency_level = IDEMPOTENT; } }
      """;

  @Test
  void proto3WithNestingMapsOneofsOptionalAndWellKnownImports() {
    FileDescriptor file = ProtoFiles.build(ORDER, Map.of());
    assertEquals("shop.v1", file.getPackage());
    Descriptor order = file.findMessageTypeByName("Order");
    assertEquals("orderId", order.findFieldByName("id").getJsonName());
    assertTrue(order.findFieldByName("lines").isRepeated());
    assertEquals(FieldDescriptor.Type.MESSAGE, order.findFieldByName("lines").getType());
    assertEquals("shop.v1.Order.Line", order.findFieldByName("lines").getMessageType().getFullName());
    assertTrue(order.findNestedTypeByName("Line").findFieldByName("quantity").isPacked());
    assertTrue(order.findFieldByName("tags").isMapField());
    assertEquals(FieldDescriptor.Type.ENUM, order.findFieldByName("status").getType());
    assertEquals("payment", order.findFieldByName("voucher").getContainingOneof().getName());
    assertTrue(order.findFieldByName("priority").hasPresence());
    assertEquals("google.protobuf.Timestamp", order.findFieldByName("placed_at").getMessageType().getFullName());
    Descriptor line = order.findNestedTypeByName("Line");
    assertEquals(FieldDescriptor.Type.ENUM, line.findFieldByName("kind").getType());
    assertEquals(4, order.findEnumTypeByName("Status").getValues().size());
  }

  @Test
  void proto2LabelsDefaultsAndImportsOfOtherSchemas() {
    String common = "syntax = \"proto2\"; package common; message Money { required int64 cents = 1; "
        + "optional string currency = 2 [default = \"EUR\"]; }";
    String main = "syntax = 'proto2';\nimport \"common.proto\";\nmessage Price { optional common.Money amount = 1; "
        + "repeated int32 history = 2 [packed=true]; optional sint32 delta = 3 [default = -5]; }";
    FileDescriptor file = ProtoFiles.build(main, Map.of("common.proto", common));
    Descriptor price = file.findMessageTypeByName("Price");
    Descriptor money = price.findFieldByName("amount").getMessageType();
    assertTrue(money.findFieldByName("cents").isRequired());
    assertEquals("EUR", money.findFieldByName("currency").getDefaultValue());
    assertEquals(-5, price.findFieldByName("delta").getDefaultValue());
    assertTrue(price.findFieldByName("history").isPacked());
  }

  @Test
  void defaultSyntaxIsProto2AndEmptyStatementsAreFine() {
    FileDescriptor file = ProtoFiles.build("message A { optional string s = 1; ; }", Map.of());
    assertFalse(file.findMessageTypeByName("A").findFieldByName("s").isRepeated());
  }

  @Test
  void badTextIsRefusedWithTheLine() {
    ProtoParseException e = assertThrows(ProtoParseException.class,
        () -> ProtoFiles.build("syntax = \"proto3\";\nmessage A {\n  string s = ;\n}", Map.of()));
    assertTrue(e.getMessage().startsWith("kafka-rest-schema.proto:3:14:"), e.getMessage());
    assertThrows(ProtoParseException.class, () -> ProtoFiles.build("message A { string s = 1; ", Map.of()));
    assertThrows(ProtoParseException.class, () -> ProtoFiles.build("message A { \"unterminated }", Map.of()));
    assertThrows(ProtoParseException.class, () -> ProtoFiles.build("edition = \"1999\";", Map.of()));
    assertThrows(ProtoParseException.class,
        () -> ProtoFiles.build("syntax = \"proto3\"; message A { group G = 1 { } }", Map.of()));
  }

  @Test
  void anErrorInAnImportedSchemaNamesThatSchema() {
    String common = "syntax = \"proto3\";\npackage common;\nmessage Money {\n  int64 cents = 1 [packed = true];\n}";
    ProtoParseException e = assertThrows(ProtoParseException.class, () -> ProtoFiles.build(
        "syntax = \"proto3\"; import \"money.proto\"; message P { common.Money m = 1; }",
        Map.of("money.proto", common)));
    assertTrue(e.getMessage().startsWith("money.proto:4:"), e.getMessage());
  }

  @Test
  void deepNestingIsRefusedNotAStackOverflow() {
    String deep = "message A { ".repeat(5000) + "}".repeat(5000);
    ProtoParseException e = assertThrows(ProtoParseException.class, () -> ProtoFiles.build(deep, Map.of()));
    assertTrue(e.getMessage().contains("nest deeper"), e.getMessage());
  }

  @Test
  void unknownTypesAndMissingImportsAreRefused() {
    assertThrows(ProtoParseException.class,
        () -> ProtoFiles.build("syntax = \"proto3\"; message A { Missing m = 1; }", Map.of()));
    assertThrows(ProtoParseException.class,
        () -> ProtoFiles.build("syntax = \"proto3\"; import \"nowhere.proto\"; message A {}", Map.of()));
    ProtoParseException duplicate = assertThrows(ProtoParseException.class,
        () -> ProtoFiles.build("syntax = \"proto3\";\nmessage A { string a = 1; string b = 1; }", Map.of()));
    assertTrue(duplicate.getMessage().startsWith("kafka-rest-schema.proto:2:34: "), duplicate.getMessage());
  }

  @Test
  void mapEntryNamesFollowProtoc() {
    assertEquals("MyMapFieldEntry", ProtoParser.mapEntryName("my_map_field"));
    assertEquals("TagsEntry", ProtoParser.mapEntryName("tags"));
  }
}
