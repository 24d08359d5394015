package dev.kafkarest.schema.proto;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.UninterpretedOption;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Edition 2024's symbol visibility: which messages and enums of a file other files may not use. Worked out from
 * the file as parsed, because {@code features.default_symbol_visibility} has source retention and is gone from
 * the descriptor afterwards, as from protoc's.
 */
final class ProtoVisibility {
  private static final int EDITION_2024 = 1001;

  private ProtoVisibility() {
  }

  /** Full names of the types of {@code file} (as parsed, options not yet interpreted) that are local to it. */
  static Set<String> localTypes(FileDescriptorProto file) {
    FieldDescriptor edition = FileDescriptorProto.getDescriptor().findFieldByName("edition");
    if (edition == null || !file.hasField(edition)
        || ((EnumValueDescriptor) file.getField(edition)).getNumber() < EDITION_2024) {
      return Set.of();
    }
    String defaultVisibility = "EXPORT_TOP_LEVEL";
    for (UninterpretedOption o : file.getOptions().getUninterpretedOptionList()) {
      if (o.getNameCount() == 2 && o.getName(0).getNamePart().equals("features")
          && o.getName(1).getNamePart().equals("default_symbol_visibility")) {
        defaultVisibility = o.getIdentifierValue();
      }
    }
    Set<String> local = new HashSet<>();
    String prefix = file.getPackage().isEmpty() ? "" : file.getPackage() + ".";
    new Walk(defaultVisibility, local).types(prefix, file.getMessageTypeList(), file.getEnumTypeList(), true);
    return local;
  }

  private record Walk(String defaultVisibility, Set<String> local) {
    void types(String prefix, List<DescriptorProto> messages, List<EnumDescriptorProto> enums, boolean topLevel) {
      for (DescriptorProto m : messages) {
        mark(prefix + m.getName(), m, topLevel);
        types(prefix + m.getName() + ".", m.getNestedTypeList(), m.getEnumTypeList(), false);
      }
      for (EnumDescriptorProto e : enums) {
        mark(prefix + e.getName(), e, topLevel);
      }
    }

    private void mark(String name, Message type, boolean topLevel) {
      FieldDescriptor visibility = type.getDescriptorForType().findFieldByName("visibility");
      String explicit = visibility == null || !type.hasField(visibility) ? "VISIBILITY_UNSET"
          : ((EnumValueDescriptor) type.getField(visibility)).getName();
      boolean isLocal = switch (explicit) {
        case "VISIBILITY_LOCAL" -> true;
        case "VISIBILITY_EXPORT" -> false;
        default -> switch (defaultVisibility) {
          case "EXPORT_ALL" -> false;
          case "EXPORT_TOP_LEVEL" -> !topLevel;
          default -> true; // LOCAL_ALL, STRICT
        };
      };
      if (isLocal) {
        local.add(name);
      }
    }
  }
}
