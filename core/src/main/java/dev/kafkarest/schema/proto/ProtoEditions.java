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
  private static final FileDescriptor JAVA_FEATURES = javaFeatures();

  private ProtoEditions() {
  }

  static void setEdition(FileDescriptorProto.Builder file, String value, ProtoTokens in, Token at) {
    if (JAVA_FEATURES == null) {
      // protobuf-java 3.x links an editions file but does not resolve its features: the bytes would be wrong.
      throw in.error(at, "editions need protobuf-java 4 (this host has an older protobuf-java)");
    }
    FieldDescriptor edition = FileDescriptorProto.getDescriptor().findFieldByName("edition");
    EnumValueDescriptor v = edition == null || edition.getJavaType() != FieldDescriptor.JavaType.ENUM ? null
        : edition.getEnumType().findValueByName("EDITION_" + value);
    if (v == null || !value.matches("[0-9]{4}")) {
      throw in.error(at, "edition " + ProtoTokens.quote(value) + " is not known to this protobuf-java"
          + (edition == null ? " (editions need protobuf-java 4)" : ""));
    }
    asMessageBuilder(file).setField(edition, v);
  }

  /** {@code import option "x.proto";} (edition 2024): a file needed for its options only. */
  static void addOptionDependency(FileDescriptorProto.Builder file, String name, ProtoTokens in, Token at) {
    FieldDescriptor optionDependency = FileDescriptorProto.getDescriptor().findFieldByName("option_dependency");
    if (optionDependency == null) {
      throw in.error(at, "\"import option\" needs protobuf-java 4.31 or newer");
    }
    asMessageBuilder(file).addRepeatedField(optionDependency, name);
  }

  /** The file's option imports (none before edition 2024 or before protobuf-java knows them). */
  @SuppressWarnings("unchecked")
  static java.util.List<String> optionDependencies(FileDescriptorProto file) {
    FieldDescriptor optionDependency = FileDescriptorProto.getDescriptor().findFieldByName("option_dependency");
    return optionDependency == null ? java.util.List.of() : (java.util.List<String>) file.getField(optionDependency);
  }

  /** {@code local} or {@code export} before a message or enum (edition 2024). */
  @SuppressWarnings("unchecked")
  static <M extends com.google.protobuf.Message> M visibility(M type, Token keyword, String edition, ProtoTokens in) {
    FieldDescriptor visibility = type.getDescriptorForType().findFieldByName("visibility");
    if (edition.isEmpty() || edition.compareTo("2024") < 0) {
      throw in.error(keyword, "\"" + keyword.text() + "\" is allowed from edition 2024 on");
    }
    EnumValueDescriptor value = visibility == null ? null : visibility.getEnumType()
        .findValueByName(keyword.is("local") ? "VISIBILITY_LOCAL" : "VISIBILITY_EXPORT");
    if (value == null) {
      throw in.error(keyword, "\"" + keyword.text() + "\" needs protobuf-java 4.31 or newer");
    }
    return (M) type.toBuilder().setField(visibility, value).build();
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

  /**
   * Generated builders inherit setField from a base class that protobuf-java 4 renamed: called through the
   * interface, the same bytecode links against 3.25 and 4.x.
   */
  static com.google.protobuf.Message.Builder asMessageBuilder(com.google.protobuf.Message.Builder builder) {
    return builder;
  }

  /** {@code google/protobuf/java_features.proto}, bundled with protobuf-java 4 (absent from 3.25). */
  static FileDescriptor javaFeatures() {
    if (JAVA_FEATURES != null) {
      return JAVA_FEATURES;
    }
    try {
      return (FileDescriptor) Class.forName("com.google.protobuf.JavaFeaturesProto").getMethod("getDescriptor")
          .invoke(null);
    } catch (ReflectiveOperationException | LinkageError e) {
      return null;
    }
  }
}
