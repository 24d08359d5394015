package dev.kafkarest.schema.proto;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Message;
import java.util.function.BiFunction;

/**
 * protoc's rules for features in editions files. Features are read by name (descriptor.proto of protobuf-java
 * 3.25, the floor, has other fields), with the inheritance protoc applies: field, then its messages, then file.
 */
final class ProtoEditionChecks {
  private final BiFunction<String, String, ProtoParseException> error;

  private ProtoEditionChecks(BiFunction<String, String, ProtoParseException> error) {
    this.error = error;
  }

  static void check(FileDescriptorProto file, FileDescriptor linked,
      BiFunction<String, String, ProtoParseException> error) {
    ProtoEditionChecks checks = new ProtoEditionChecks(error);
    String presence = feature(file.getOptions(), "field_presence", "EXPLICIT");
    if (presence.equals("LEGACY_REQUIRED")) {
      throw error.apply("", "required presence can't be specified by default");
    }
    String enumType = feature(file.getOptions(), "enum_type", "OPEN");
    String prefix = file.getPackage().isEmpty() ? "" : file.getPackage() + ".";
    for (DescriptorProto m : file.getMessageTypeList()) {
      checks.message(m, prefix + m.getName(), presence, enumType);
    }
    for (EnumDescriptorProto e : file.getEnumTypeList()) {
      checks.enumType(e, prefix, enumType);
    }
  }

  private void message(DescriptorProto m, String name, String presence, String enumType) {
    String messagePresence = feature(m.getOptions(), "field_presence", presence);
    String messageEnums = feature(m.getOptions(), "enum_type", enumType);
    for (FieldDescriptorProto f : m.getFieldList()) {
      String at = name + "." + f.getName();
      boolean isMessage = f.getType() == FieldDescriptorProto.Type.TYPE_MESSAGE
          || f.getType() == FieldDescriptorProto.Type.TYPE_GROUP;
      String own = feature(f.getOptions(), "field_presence", null);
      String fieldPresence = own != null ? own : messagePresence;
      if (own != null && own.equals("IMPLICIT") && isMessage) {
        throw error.apply(at, "message fields can't specify implicit presence");
      }
      if (fieldPresence.equals("IMPLICIT") && !isMessage && f.hasDefaultValue()
          && f.getLabel() != FieldDescriptorProto.Label.LABEL_REPEATED && !f.hasOneofIndex()) {
        throw error.apply(at, "implicit presence fields can't specify defaults");
      }
      if (feature(f.getOptions(), "message_encoding", null) != null && !isMessage) {
        throw error.apply(at, "only message fields can specify message encoding");
      }
    }
    for (DescriptorProto n : m.getNestedTypeList()) {
      message(n, name + "." + n.getName(), messagePresence, messageEnums);
    }
    for (EnumDescriptorProto e : m.getEnumTypeList()) {
      enumType(e, name + ".", messageEnums);
    }
  }

  private void enumType(EnumDescriptorProto e, String prefix, String inherited) {
    if (feature(e.getOptions(), "enum_type", inherited).equals("OPEN") && e.getValue(0).getNumber() != 0) {
      throw error.apply(prefix + e.getValue(0).getName(), "the first enum value must be zero for open enums");
    }
  }

  /** The value of {@code features.<name>} set on {@code options}, or {@code inherited}. */
  private static String feature(Message options, String name, String inherited) {
    FieldDescriptor features = options.getDescriptorForType().findFieldByName("features");
    if (features == null || !options.hasField(features)) {
      return inherited;
    }
    Message set = (Message) options.getField(features);
    FieldDescriptor field = set.getDescriptorForType().findFieldByName(name);
    return field != null && set.hasField(field) ? ((EnumValueDescriptor) set.getField(field)).getName() : inherited;
  }
}
