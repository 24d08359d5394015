package dev.kafkarest.schema.proto;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumDescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumValueDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors.FileDescriptor;
import dev.kafkarest.schema.proto.ProtoTokenizer.Token;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The rules protoc enforces that protobuf-java's linker does not: reserved numbers and names, the numbers kept for
 * the protobuf implementation, proto3's limits on extensions, enum aliases, JSON name clashes.
 */
final class ProtoChecks {
  private static final int FIRST_RESERVED = 19_000;
  private static final int LAST_RESERVED = 19_999;

  private final FileDescriptorProto file;
  private final Map<String, Token> positions;
  private final boolean proto3;
  private final boolean editions;

  private ProtoChecks(FileDescriptorProto file, Map<String, Token> positions) {
    this.file = file;
    this.positions = positions;
    this.proto3 = file.getSyntax().equals("proto3");
    this.editions = file.getSyntax().equals("editions");
  }

  static void check(FileDescriptorProto file, FileDescriptor linked, Map<String, Token> positions) {
    ProtoChecks checks = new ProtoChecks(file, positions);
    String prefix = file.getPackage().isEmpty() ? "" : file.getPackage() + ".";
    checks.enumValueScopes(file, prefix);
    if (checks.proto3) {
      linked.getMessageTypes().forEach(checks::openEnumsOnly);
    }
    file.getMessageTypeList().forEach(m -> checks.message(m, prefix + m.getName()));
    file.getEnumTypeList().forEach(e -> checks.enumType(e, prefix));
    checks.extensions(file.getExtensionList(), prefix);
    if (checks.editions) {
      ProtoEditionChecks.check(file, linked, checks::error);
    }
    java.util.ArrayDeque<com.google.protobuf.Descriptors.Descriptor> todo = new java.util.ArrayDeque<>();
    linked.getExtensions().forEach(checks::messageSetExtension);
    todo.addAll(linked.getMessageTypes());
    while (!todo.isEmpty()) {
      com.google.protobuf.Descriptors.Descriptor m = todo.pop();
      m.getExtensions().forEach(checks::messageSetExtension);
      m.getFields().forEach(checks::mapEnumStartsAtZero);
      todo.addAll(m.getNestedTypes());
    }
  }

  /** A map's enum values must start at zero: an absent value reads as the first one. */
  private void mapEnumStartsAtZero(com.google.protobuf.Descriptors.FieldDescriptor f) {
    if (f.isMapField()) {
      com.google.protobuf.Descriptors.FieldDescriptor value = f.getMessageType().findFieldByName("value");
      if (value.getJavaType() == com.google.protobuf.Descriptors.FieldDescriptor.JavaType.ENUM
          && value.getEnumType().getValues().get(0).getNumber() != 0) {
        throw error(f.getFullName(), "enum value in map must define 0 as the first value");
      }
    }
  }

  private void messageSetExtension(com.google.protobuf.Descriptors.FieldDescriptor f) {
    if (f.getContainingType().getOptions().getMessageSetWireFormat()
        && (f.getJavaType() != com.google.protobuf.Descriptors.FieldDescriptor.JavaType.MESSAGE || f.isRepeated())) {
      throw error(f.getFullName(), "extensions of MessageSets must be optional messages");
    }
  }

  private void message(DescriptorProto m, String name) {
    ranges(m, name);
    if (proto3 && m.getExtensionRangeCount() > 0) {
      throw error(name, "extension ranges are not allowed in proto3");
    }
    boolean messageSet = m.getOptions().getMessageSetWireFormat();
    if (messageSet && m.getFieldCount() > 0) {
      throw error(name + "." + m.getField(0).getName(), "MessageSets cannot have fields, only extensions");
    }
    for (DescriptorProto.ExtensionRange r : m.getExtensionRangeList()) {
      if (!messageSet && r.getEnd() > ProtoParser.MAX_FIELD_NUMBER + 1) {
        throw error(name, "extension numbers cannot be greater than " + ProtoParser.MAX_FIELD_NUMBER);
      }
    }
    for (FieldDescriptorProto f : m.getFieldList()) {
      boolean lazy = f.getOptions().getLazy() || f.getOptions().getUnverifiedLazy();
      if (lazy && f.getType() != FieldDescriptorProto.Type.TYPE_MESSAGE) {
        throw error(name + "." + f.getName(), "[lazy = true] can only be specified for submessage fields");
      }
    }
    for (FieldDescriptorProto f : m.getFieldList()) {
      String at = name + "." + f.getName();
      number(f, at);
      for (DescriptorProto.ReservedRange r : m.getReservedRangeList()) {
        if (f.getNumber() >= r.getStart() && f.getNumber() < r.getEnd()) {
          throw error(at, "field \"" + f.getName() + "\" uses reserved number " + f.getNumber());
        }
      }
      if (m.getReservedNameList().contains(f.getName())) {
        throw error(at, "field name \"" + f.getName() + "\" is reserved");
      }
      for (DescriptorProto.ExtensionRange r : m.getExtensionRangeList()) {
        if (f.getNumber() >= r.getStart() && f.getNumber() < r.getEnd()) {
          throw error(at, "extension range " + r.getStart() + " to " + (r.getEnd() - 1)
              + " includes field \"" + f.getName() + "\" (" + f.getNumber() + ")");
        }
      }
    }
    if (!m.getOptions().getMapEntry()) {
      jsonNames(m, name);
    }
    extensions(m.getExtensionList(), name + ".");
    enumValueScopes(m, name);
    m.getNestedTypeList().forEach(n -> message(n, name + "." + n.getName()));
    m.getEnumTypeList().forEach(e -> enumType(e, name + "."));
  }

  /** Reserved and extension ranges: each well formed, none overlapping another of its kind. */
  private void ranges(DescriptorProto m, String name) {
    List<int[]> reserved = new java.util.ArrayList<>();
    for (DescriptorProto.ReservedRange r : m.getReservedRangeList()) {
      if (r.getEnd() <= r.getStart()) {
        throw error(name, "reserved range end number must be greater than start number");
      }
      overlap(reserved, r.getStart(), r.getEnd(), "reserved range", name);
    }
    List<int[]> extensions = new java.util.ArrayList<>();
    for (DescriptorProto.ExtensionRange r : m.getExtensionRangeList()) {
      if (r.getEnd() <= r.getStart()) {
        throw error(name, "extension range end number must be greater than start number");
      }
      overlap(extensions, r.getStart(), r.getEnd(), "extension range", name);
      for (int[] other : reserved) {
        if (r.getStart() < other[1] && other[0] < r.getEnd()) {
          throw error(name, "extension range " + r.getStart() + " to " + (r.getEnd() - 1)
              + " overlaps with reserved range " + other[0] + " to " + (other[1] - 1));
        }
      }
    }
  }

  private void overlap(List<int[]> seen, int start, int end, String what, String at) {
    for (int[] other : seen) {
      if (start < other[1] && other[0] < end) {
        throw error(at, what + " " + start + " to " + (end - 1) + " overlaps with already-defined range "
            + other[0] + " to " + (other[1] - 1));
      }
    }
    seen.add(new int[] {start, end});
  }

  /** Enum values live in their enum's parent scope (C++ scoping): two enums there cannot share a value name. */
  private void enumValueScopes(FileDescriptorProto f, String prefix) {
    scope(prefix, f.getEnumTypeList(), f.getMessageTypeList().stream().map(DescriptorProto::getName).toList());
  }

  private void scope(String prefix, List<EnumDescriptorProto> enums, List<String> otherNames) {
    Map<String, String> seen = new HashMap<>();
    otherNames.forEach(n -> seen.put(n, null));
    enums.forEach(e -> seen.put(e.getName(), null));
    for (EnumDescriptorProto e : enums) {
      for (EnumValueDescriptorProto v : e.getValueList()) {
        if (seen.containsKey(v.getName())) {
          throw error(prefix + v.getName(), "\"" + v.getName() + "\" is already defined in \""
              + (prefix.isEmpty() ? "the file" : prefix.substring(0, prefix.length() - 1)) + "\"");
        }
        seen.put(v.getName(), e.getName());
      }
    }
  }

  private void enumValueScopes(DescriptorProto m, String name) {
    List<String> others = new java.util.ArrayList<>();
    m.getFieldList().forEach(f -> others.add(f.getName()));
    m.getNestedTypeList().forEach(n -> others.add(n.getName()));
    m.getOneofDeclList().forEach(o -> others.add(o.getName()));
    scope(name + ".", m.getEnumTypeList(), others);
  }

  /** proto3 messages cannot hold closed (proto2) enums. */
  private void openEnumsOnly(com.google.protobuf.Descriptors.Descriptor m) {
    for (com.google.protobuf.Descriptors.FieldDescriptor f : m.getFields()) {
      if (f.getJavaType() == com.google.protobuf.Descriptors.FieldDescriptor.JavaType.ENUM) {
        String syntax = f.getEnumType().getFile().toProto().getSyntax();
        if (syntax.isEmpty() || syntax.equals("proto2")) {
          throw error(f.getFullName(), "enum type \"" + f.getEnumType().getFullName() + "\" is not an open "
              + "enum, but is used in \"" + m.getFullName() + "\" which is a proto3 message type");
        }
      }
    }
    m.getNestedTypes().forEach(this::openEnumsOnly);
  }

  private void number(FieldDescriptorProto f, String at) {
    if (f.getNumber() >= FIRST_RESERVED && f.getNumber() <= LAST_RESERVED) {
      throw error(at, "field numbers " + FIRST_RESERVED + " through " + LAST_RESERVED
          + " are reserved for the protocol buffer library implementation");
    }
    if (f.getNumber() > ProtoParser.MAX_FIELD_NUMBER) {
      throw error(at, "field numbers cannot be greater than " + ProtoParser.MAX_FIELD_NUMBER);
    }
  }

  private void extensions(List<FieldDescriptorProto> extensions, String scope) {
    for (FieldDescriptorProto f : extensions) {
      String at = scope + f.getName();
      number(f, at);
      if (proto3 && !(f.getExtendee().startsWith(".google.protobuf.") && f.getExtendee().endsWith("Options"))) {
        throw error(at, "extensions in proto3 are only allowed for defining options");
      }
    }
  }

  /**
   * Two fields with the same JSON name: an error in proto3 and editions, and in proto2 when one of the names was
   * written by hand (protoc only warns about proto2's derived names).
   */
  private void jsonNames(DescriptorProto m, String name) {
    Map<String, FieldDescriptorProto> seen = new HashMap<>();
    for (FieldDescriptorProto f : m.getFieldList()) {
      String json = f.hasJsonName() ? f.getJsonName() : jsonName(f.getName());
      FieldDescriptorProto other = seen.putIfAbsent(json, f);
      if (other != null && (proto3 || editions || f.hasJsonName() || other.hasJsonName())) {
        throw error(name + "." + f.getName(), "the JSON camel-case name of field \"" + f.getName()
            + "\" conflicts with field \"" + other.getName() + "\"");
      }
    }
  }

  /** protoc's ToJsonName: underscores dropped, the letter after one upper-cased. */
  static String jsonName(String name) {
    StringBuilder out = new StringBuilder();
    boolean upper = false;
    for (char c : name.toCharArray()) {
      if (c == '_') {
        upper = true;
      } else {
        out.append(upper && c >= 'a' && c <= 'z' ? (char) (c - 'a' + 'A') : c);
        upper = false;
      }
    }
    return out.toString();
  }

  private void enumType(EnumDescriptorProto e, String prefix) {
    Map<Integer, String> numbers = new HashMap<>();
    for (EnumValueDescriptorProto v : e.getValueList()) {
      String at = prefix + v.getName();
      String other = numbers.putIfAbsent(v.getNumber(), v.getName());
      if (other != null && !e.getOptions().getAllowAlias()) {
        throw error(at, "\"" + v.getName() + "\" uses the same enum value as \"" + other + "\": set "
            + "option allow_alias = true; to allow this");
      }
      for (EnumDescriptorProto.EnumReservedRange r : e.getReservedRangeList()) {
        if (v.getNumber() >= r.getStart() && v.getNumber() <= r.getEnd()) {
          throw error(at, "enum value \"" + v.getName() + "\" uses reserved number " + v.getNumber());
        }
      }
      if (e.getReservedNameList().contains(v.getName())) {
        throw error(at, "enum value \"" + v.getName() + "\" is reserved");
      }
    }
    if (e.getOptions().getAllowAlias() && numbers.size() == e.getValueCount()) {
      throw error(prefix + e.getName(), "\"" + e.getName() + "\" declares allow_alias but has no aliases");
    }
  }

  ProtoParseException error(String element, String message) {
    Token t = positions.get(element);
    return t == null ? new ProtoParseException(message, file.getName())
        : new ProtoParseException(message, file.getName(), t.line(), t.column());
  }
}
