package dev.kafkarest.schema.proto;

import com.google.protobuf.ByteString;
import com.google.protobuf.DescriptorProtos.UninterpretedOption;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.ExtensionRegistry;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.TextFormat;
import com.google.protobuf.TypeRegistry;
import com.google.protobuf.UnknownFieldSet;
import dev.kafkarest.schema.proto.ProtoSymbols.Kind;
import dev.kafkarest.schema.proto.ProtoTokenizer.Token;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * protoc's option interpreter for one options message ({@code FileOptions}, {@code FieldOptions}, ...): each
 * {@code uninterpreted_option} becomes the built-in field or the custom option (an extension) it names, written
 * the way protoc writes it, so custom options end up as the options message's unknown fields, merged per
 * extension as protoc's serializer merges them.
 */
final class ProtoOptions {
  /** Unknown-field numbers that carry an option's position from the parser to the interpreter. */
  private static final int LINE = 1_000_001;
  private static final int COLUMN = 1_000_002;

  private final ProtoSymbols symbols;
  private final Map<String, FieldDescriptor> extensions;
  private final List<FileDescriptor> files;
  private ExtensionRegistry registry;
  /** Aggregates may hold an Any of any type the file can see. */
  private TextFormat.Parser textFormat;
  private final String fileName;
  /** False in the first pass, when this file's own extensions are not built yet: options naming them wait. */
  private final boolean final_;
  /** How many options wait for the second pass. */
  int waiting;

  ProtoOptions(ProtoSymbols symbols, Map<String, FieldDescriptor> extensions, List<FileDescriptor> files,
      String fileName, boolean isFinal) {
    this.symbols = symbols;
    this.extensions = extensions;
    this.files = files;
    this.fileName = fileName;
    this.final_ = isFinal;
  }

  /** Built on first use: most files have few options, many none. */
  private ExtensionRegistry registry() {
    if (registry == null) {
      registry = ExtensionRegistry.newInstance();
      for (FieldDescriptor ext : extensions.values()) {
        if (ext.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
          registry.add(ext, DynamicMessage.getDefaultInstance(ext.getMessageType()));
        } else {
          registry.add(ext);
        }
      }
    }
    return registry;
  }

  private TextFormat.Parser textFormat() {
    if (textFormat == null) {
      TypeRegistry.Builder types = TypeRegistry.newBuilder();
      files.forEach(f -> types.add(f.getMessageTypes()));
      textFormat = TextFormat.Parser.newBuilder().setTypeRegistry(types.build()).build();
    }
    return textFormat;
  }

  /** An aggregate the first pass cannot read yet. */
  private static final class NotYet extends RuntimeException {
    NotYet() {
      super(null, null, false, false);
    }
  }

  static void remember(UninterpretedOption.Builder option, Token at) {
    // Through the interface: the generated builder's inherited method has another owner in protobuf-java 3.x.
    ((Message.Builder) option).setUnknownFields(UnknownFieldSet.newBuilder()
        .addField(LINE, UnknownFieldSet.Field.newBuilder().addVarint(at.line()).build())
        .addField(COLUMN, UnknownFieldSet.Field.newBuilder().addVarint(at.column()).build()).build());
  }

  /**
   * Interprets {@code options} (an options message with uninterpreted options) for the element {@code scope}
   * (protoc's name scope). Returns the options message with what could be interpreted now.
   */
  @SuppressWarnings("unchecked")
  <M extends Message> M interpret(M options, String scope) {
    FieldDescriptor uninterpretedField = options.getDescriptorForType().findFieldByName("uninterpreted_option");
    List<UninterpretedOption> todo = (List<UninterpretedOption>) options.getField(uninterpretedField);
    if (todo.isEmpty()) {
      return options;
    }
    Message.Builder rest = options.toBuilder().clearField(uninterpretedField);
    Map<Descriptor, ByteString> pieces = new LinkedHashMap<>();
    pieces.put(options.getDescriptorForType(), rest.build().toByteString());
    List<UninterpretedOption> waiting = new ArrayList<>();
    Set<String> set = new HashSet<>();
    int stripped = 0;
    for (UninterpretedOption option : todo) {
      Boolean done = one(option, options.getDescriptorForType(), scope, pieces, set);
      if (done == null) {
        stripped++;
      } else if (!done) {
        waiting.add(option);
      }
    }
    try {
      ByteString all = ByteString.EMPTY;
      for (Map.Entry<Descriptor, ByteString> piece : pieces.entrySet()) {
        // Parsed with the extensions known, pieces for the same message-typed option merge into one.
        all = all.concat(DynamicMessage.parseFrom(piece.getKey(), piece.getValue(), registry()).toByteString());
      }
      Message.Builder out = options.newBuilderForType().mergeFrom(all);
      this.waiting += waiting.size();
      for (UninterpretedOption w : waiting) {
        out.addRepeatedField(uninterpretedField, w);
      }
      M result = (M) out.build();
      // protoc leaves source-retention options out of the descriptors it writes, and then an emptied options message.
      return stripped > 0 && waiting.isEmpty() && result.getAllFields().isEmpty()
          && result.getUnknownFields().asMap().isEmpty() ? null : result;
    } catch (InvalidProtocolBufferException e) {
      throw new ProtoParseException("options of " + scope + " cannot be written: " + e.getMessage(), fileName);
    }
  }

  /**
   * One option; false when it names an extension of this file not built yet, null when it has source retention
   * (protoc does not write those out).
   */
  private Boolean one(UninterpretedOption option, Descriptor optionsType, String scope,
      Map<Descriptor, ByteString> pieces, Set<String> set) {
    List<FieldDescriptor> path = new ArrayList<>();
    Descriptor type = optionsType;
    StringBuilder written = new StringBuilder();
    for (int i = 0; i < option.getNameCount(); i++) {
      UninterpretedOption.NamePart part = option.getName(i);
      if (written.length() > 0) {
        written.append('.');
      }
      written.append(part.getIsExtension() ? "(" + part.getNamePart() + ")" : part.getNamePart());
      FieldDescriptor field;
      if (part.getIsExtension()) {
        String resolved = symbols.resolve(part.getNamePart(), scope, false);
        if (resolved == null || symbols.kind(resolved) == null) {
          throw error(option, "option \"" + written + "\" unknown: is it spelled correctly, and is its "
              + "extension imported?");
        }
        field = extensions.get(resolved);
        if (field == null) {
          if (!final_ && symbols.kind(resolved) == Kind.FIELD) {
            return false;
          }
          throw error(option, "option \"" + written + "\" names \"" + resolved + "\", which is not an extension");
        }
        if (!field.getContainingType().getFullName().equals(type.getFullName())) {
          throw error(option, "option \"" + written + "\" is an extension of \""
              + field.getContainingType().getFullName() + "\", not of \"" + type.getFullName() + "\"");
        }
      } else {
        field = type.findFieldByName(part.getNamePart());
        if (field == null) {
          throw error(option, "option \"" + written + "\" unknown"
              + (i == 0 && part.getNamePart().equals("features") ? ": features need protobuf-java 4" : ""));
        }
      }
      path.add(field);
      if (i < option.getNameCount() - 1) {
        if (field.getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
          throw error(option, "option \"" + written + "\" is an atomic type, not a message");
        }
        if (field.isRepeated()) {
          throw error(option, "option field \"" + written + "\" is a repeated message: repeated message "
              + "options must be set with an aggregate value");
        }
        type = field.getMessageType();
      }
    }
    FieldDescriptor leaf = path.get(path.size() - 1);
    String key = path.stream().map(FieldDescriptor::getFullName).reduce((a, b) -> a + "/" + b).orElse("");
    if (!leaf.isRepeated() && !set.add(key)) {
      throw error(option, "option \"" + written + "\" was already set");
    }
    Object value;
    try {
      value = value(option, leaf, written.toString());
    } catch (NotYet e) {
      return false;
    }
    for (int i = 0; i < path.size(); i++) {
      if (path.get(i).getOptions().getRetention()
          == com.google.protobuf.DescriptorProtos.FieldOptions.OptionRetention.RETENTION_SOURCE) {
        // protoc leaves source-retention options out of what it writes: the messages above them stay, empty.
        if (i == 0) {
          return null;
        }
        value = DynamicMessage.getDefaultInstance(path.get(i - 1).getMessageType());
        path = path.subList(0, i);
        break;
      }
    }
    // Build the message from the innermost field outwards.
    for (int i = path.size() - 1; i >= 0; i--) {
      FieldDescriptor f = path.get(i);
      DynamicMessage.Builder holder = DynamicMessage.newBuilder(f.getContainingType());
      if (f.isRepeated()) {
        holder.addRepeatedField(f, value);
      } else {
        holder.setField(f, value);
      }
      value = holder.build();
    }
    Descriptor top = path.get(0).getContainingType();
    ByteString bytes = ((Message) value).toByteString();
    // A descriptor.proto built from text has Descriptors of its own: their pieces stay apart until written.
    pieces.merge(top, bytes, ByteString::concat);
    return true;
  }

  private Object value(UninterpretedOption o, FieldDescriptor field, String name) {
    switch (field.getJavaType()) {
      case MESSAGE -> {
        if (!o.hasAggregateValue()) {
          throw error(o, "option \"" + name + "\" is a message: set it with an aggregate value ({ ... })");
        }
        DynamicMessage.Builder message = DynamicMessage.newBuilder(field.getMessageType());
        try {
          textFormat().merge(o.getAggregateValue(), registry(), message);
        } catch (TextFormat.ParseException e) {
          if (!final_) {
            throw new NotYet(); // it may name this file's own extensions or types: the second pass has them
          }
          throw error(o, "error while parsing option value for \"" + name + "\": " + e.getMessage());
        }
        return message.build();
      }
      case ENUM -> {
        if (!o.hasIdentifierValue()) {
          throw error(o, "value must be an identifier for enum-valued option \"" + name + "\"");
        }
        EnumValueDescriptor v = field.getEnumType().findValueByName(o.getIdentifierValue());
        if (v == null) {
          throw error(o, "enum type \"" + field.getEnumType().getFullName() + "\" has no value named \""
              + o.getIdentifierValue() + "\" for option \"" + name + "\"");
        }
        return v;
      }
      case BOOLEAN -> {
        if (!o.hasIdentifierValue() || !(o.getIdentifierValue().equals("true")
            || o.getIdentifierValue().equals("false"))) {
          throw error(o, "value must be \"true\" or \"false\" for boolean option \"" + name + "\"");
        }
        return o.getIdentifierValue().equals("true");
      }
      case STRING -> {
        if (!o.hasStringValue()) {
          throw error(o, "value must be a quoted string for string option \"" + name + "\"");
        }
        return o.getStringValue().toStringUtf8();
      }
      case BYTE_STRING -> {
        if (!o.hasStringValue()) {
          throw error(o, "value must be a quoted string for bytes option \"" + name + "\"");
        }
        return o.getStringValue();
      }
      case FLOAT, DOUBLE -> {
        double d;
        if (o.hasDoubleValue()) {
          d = o.getDoubleValue();
        } else if (o.hasPositiveIntValue()) {
          d = new BigInteger(Long.toUnsignedString(o.getPositiveIntValue())).doubleValue();
        } else if (o.hasNegativeIntValue()) {
          d = o.getNegativeIntValue();
        } else if (o.hasIdentifierValue() && (o.getIdentifierValue().equals("inf")
            || o.getIdentifierValue().equals("nan"))) {
          d = o.getIdentifierValue().equals("inf") ? Double.POSITIVE_INFINITY : Double.NaN;
        } else {
          throw error(o, "value must be a number for float option \"" + name + "\"");
        }
        return field.getJavaType() == FieldDescriptor.JavaType.FLOAT ? (Object) (float) d : (Object) d;
      }
      default -> {
        return integer(o, field, name);
      }
    }
  }

  private Object integer(UninterpretedOption o, FieldDescriptor field, String name) {
    BigInteger v;
    if (o.hasPositiveIntValue()) {
      v = new BigInteger(Long.toUnsignedString(o.getPositiveIntValue()));
    } else if (o.hasNegativeIntValue()) {
      v = BigInteger.valueOf(o.getNegativeIntValue());
    } else {
      throw error(o, "value must be an integer for integer option \"" + name + "\"");
    }
    boolean unsigned = field.getType() == FieldDescriptor.Type.UINT32 || field.getType() == FieldDescriptor.Type.UINT64
        || field.getType() == FieldDescriptor.Type.FIXED32 || field.getType() == FieldDescriptor.Type.FIXED64;
    boolean is32 = field.getJavaType() == FieldDescriptor.JavaType.INT;
    BigInteger min = unsigned ? BigInteger.ZERO : BigInteger.valueOf(is32 ? Integer.MIN_VALUE : Long.MIN_VALUE);
    BigInteger max = unsigned ? BigInteger.ONE.shiftLeft(is32 ? 32 : 64).subtract(BigInteger.ONE)
        : BigInteger.valueOf(is32 ? Integer.MAX_VALUE : Long.MAX_VALUE);
    if (v.compareTo(min) < 0 || v.compareTo(max) > 0) {
      throw error(o, "value out of range for " + field.getType().name().toLowerCase(java.util.Locale.ROOT)
          + " option \"" + name + "\"");
    }
    return is32 ? (Object) v.intValue() : (Object) v.longValue();
  }

  private ProtoParseException error(UninterpretedOption o, String message) {
    UnknownFieldSet unknown = o.getUnknownFields();
    if (unknown.hasField(LINE) && unknown.hasField(COLUMN)) {
      return new ProtoParseException(message, fileName, unknown.getField(LINE).getVarintList().get(0).intValue(),
          unknown.getField(COLUMN).getVarintList().get(0).intValue());
    }
    return new ProtoParseException(message, fileName);
  }
}
