package dev.kafkarest.schema.proto;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.UninterpretedOption;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import dev.kafkarest.schema.proto.ProtoTokenizer.Token;

/**
 * What editions need beyond proto2/proto3. protobuf-java 3.25 (the floor) has no editions support worth the
 * name, so the editions parts of {@code descriptor.proto} are reached by name, never by generated method: a host
 * on 3.25 gets a clear refusal, a host on 4.x the editions protoc knows. Features themselves are resolved by
 * protobuf-java when it links the file, from the same defaults protoc uses.
 */
final class ProtoEditions {
  private ProtoEditions() {
  }

  static void setEdition(FileDescriptorProto.Builder file, String value, ProtoTokens in, Token at) {
    FieldDescriptor edition = FileDescriptorProto.getDescriptor().findFieldByName("edition");
    EnumValueDescriptor v = edition == null || edition.getJavaType() != FieldDescriptor.JavaType.ENUM ? null
        : edition.getEnumType().findValueByName("EDITION_" + value);
    if (v == null || !value.matches("[0-9]{4}")) {
      throw in.error(at, "edition " + ProtoTokens.quote(value) + " is not known to this protobuf-java"
          + (edition == null ? " (editions need protobuf-java 4)" : ""));
    }
    file.setField(edition, v);
  }

  /**
   * protoc copies a map field's features (and the legacy {@code enforce_utf8}) to its entry's key and value
   * fields, so that they are read the same.
   */
  static void copyMapEntryFeatures(FieldDescriptorProto.Builder field, DescriptorProto.Builder entry) {
    for (UninterpretedOption o : field.getOptions().getUninterpretedOptionList()) {
      UninterpretedOption.NamePart first = o.getName(0);
      if (first.getIsExtension()) {
        continue;
      }
      boolean utf8 = o.getNameCount() == 1 && first.getNamePart().equals("enforce_utf8");
      if (!utf8 && !first.getNamePart().equals("features")) {
        continue;
      }
      for (FieldDescriptorProto.Builder kv : entry.getFieldBuilderList()) {
        if (!utf8 || kv.getType() == FieldDescriptorProto.Type.TYPE_STRING) {
          kv.getOptionsBuilder().addUninterpretedOption(o);
        }
      }
    }
  }

  /** {@code google/protobuf/java_features.proto}, bundled with protobuf-java 4 (absent from 3.25). */
  static FileDescriptor javaFeatures() {
    try {
      return (FileDescriptor) Class.forName("com.google.protobuf.JavaFeaturesProto").getMethod("getDescriptor")
          .invoke(null);
    } catch (ReflectiveOperationException | LinkageError e) {
      return null;
    }
  }
}
