package dev.kafkarest.schema.proto;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumDescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumValueDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto.Label;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto.Type;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.MessageOptions;
import com.google.protobuf.DescriptorProtos.MethodDescriptorProto;
import com.google.protobuf.DescriptorProtos.OneofDescriptorProto;
import com.google.protobuf.DescriptorProtos.ServiceDescriptorProto;
import com.google.protobuf.DescriptorProtos.UninterpretedOption;
import dev.kafkarest.schema.proto.ProtoTokenizer.Kind;
import dev.kafkarest.schema.proto.ProtoTokenizer.Token;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The proto2/proto3/editions grammar, straight to a {@link FileDescriptorProto} as protoc's parser makes it:
 * options stay {@code uninterpreted_option}s ({@link ProtoOptions} interprets them) and type names stay as written
 * ({@link ProtoLinker} resolves them).
 * Where it is cheaper to check a rule here than later (labels, proto3's rules), it is checked here.
 */
final class ProtoParser {
  private static final Map<String, Type> SCALARS = Map.ofEntries(
      Map.entry("double", Type.TYPE_DOUBLE), Map.entry("float", Type.TYPE_FLOAT),
      Map.entry("int32", Type.TYPE_INT32), Map.entry("int64", Type.TYPE_INT64),
      Map.entry("uint32", Type.TYPE_UINT32), Map.entry("uint64", Type.TYPE_UINT64),
      Map.entry("sint32", Type.TYPE_SINT32), Map.entry("sint64", Type.TYPE_SINT64),
      Map.entry("fixed32", Type.TYPE_FIXED32), Map.entry("fixed64", Type.TYPE_FIXED64),
      Map.entry("sfixed32", Type.TYPE_SFIXED32), Map.entry("sfixed64", Type.TYPE_SFIXED64),
      Map.entry("bool", Type.TYPE_BOOL), Map.entry("string", Type.TYPE_STRING),
      Map.entry("bytes", Type.TYPE_BYTES));

  /** Hostile schemas must not exhaust the stack: protoc itself caps nesting too. */
  private static final int MAX_NESTING = 64;
  /** protoc's placeholder for "max" until the message's options are known. */
  static final int MAX_SENTINEL = -1;
  static final int MAX_FIELD_NUMBER = 536_870_911;

  private final ProtoTokens in;
  private final ProtoOptionSyntax options;
  /** Set once the syntax line is read (reserved names depend on it). */
  private ProtoRanges ranges;
  /** Where each element (by full name) was declared, for errors found when linking. */
  private final Map<String, Token> positions = new HashMap<>();
  private String syntax = "proto2";
  private String packagePrefix = "";
  /** "2023", "2024", ... for editions files. */
  private String edition = "";
  private int depth;

  private ProtoParser(String text, String fileName) {
    this.in = new ProtoTokens(text, fileName);
    this.options = new ProtoOptionSyntax(in);
  }

  /** A parsed file, and where its elements were declared. */
  record Parsed(FileDescriptorProto proto, Map<String, Token> positions) {
  }

  /**
   * Parses one {@code .proto} file; {@code fileName} is how other files import it. Names and options are left
   * for {@link ProtoFiles} to resolve.
   */
  static Parsed parseWithPositions(String text, String fileName) {
    ProtoParser parser = new ProtoParser(text, fileName);
    return new Parsed(parser.file(fileName), parser.positions);
  }

  private boolean proto3() {
    return syntax.equals("proto3");
  }

  private boolean editions() {
    return syntax.equals("editions");
  }

  private FileDescriptorProto file(String fileName) {
    FileDescriptorProto.Builder file = FileDescriptorProto.newBuilder().setName(fileName);
    if (in.peekIs("syntax") && in.peekIs(1, "=")) {
      Token at = in.next();
      in.expect("=");
      String value = in.string();
      in.expect(";");
      if (value.equals("proto3")) {
        syntax = "proto3";
        file.setSyntax("proto3");
      } else if (!value.equals("proto2")) {
        throw in.error(at, "unrecognized syntax identifier " + ProtoTokens.quote(value)
            + ": this parser recognizes \"proto2\" and \"proto3\"");
      }
    } else if (in.peekIs("edition") && in.peekIs(1, "=")) {
      Token at = in.next();
      in.expect("=");
      String value = in.string();
      in.expect(";");
      syntax = "editions";
      file.setSyntax("editions");
      ProtoEditions.setEdition(file, value, in, at);
      edition = value;
    }
    ranges = new ProtoRanges(in, options, editions());
    boolean hasPackage = false;
    while (!in.atEnd()) {
      Token t = in.next();
      if (t.kind() != Kind.IDENT && !t.is(";")) {
        throw in.error(t, "expected a top-level statement, found " + ProtoTokens.quote(t.text()));
      }
      switch (t.text()) {
        case "package" -> {
          if (hasPackage) {
            throw in.error(t, "multiple package definitions");
          }
          hasPackage = true;
          Token name = in.peek();
          String pkg = in.dottedName();
          if (pkg.startsWith(".")) {
            throw in.error(name, "a package name cannot start with \".\"");
          }
          file.setPackage(pkg);
          packagePrefix = pkg + ".";
          in.expect(";");
        }
        case "import" -> {
          if (in.peekIs("option") && editions()) {
            Token at = in.next();
            ProtoEditions.addOptionDependency(file, ProtoTokenizer.utf8(in.string()), in, at);
            in.expect(";");
            continue;
          }
          if (in.tryConsume("public")) {
            file.addPublicDependency(file.getDependencyCount());
          } else if (in.tryConsume("weak")) {
            file.addWeakDependency(file.getDependencyCount());
          }
          Token at = in.peek();
          String dependency = ProtoTokenizer.utf8(in.string());
          positions.put("import:" + dependency, at);
          file.addDependency(dependency);
          in.expect(";");
        }
        case "option" -> {
          Token at = in.peek();
          options.option(o -> file.getOptionsBuilder().addUninterpretedOption(o));
          if (editions() && isRequiredByDefault(file)) {
            throw in.error(at, "required presence can't be specified by default");
          }
          in.expect(";");
        }
        case "message" -> file.addMessageType(message(packagePrefix));
        case "enum" -> file.addEnumType(enumType(packagePrefix));
        case "local", "export" -> {
          Token kind = in.next();
          if (kind.is("message")) {
            file.addMessageType(ProtoEditions.visibility(message(packagePrefix), t, edition, in));
          } else if (kind.is("enum")) {
            file.addEnumType(ProtoEditions.visibility(enumType(packagePrefix), t, edition, in));
          } else {
            throw in.error(kind, "expected \"message\" or \"enum\" after \"" + t.text() + "\"");
          }
        }
        case "service" -> file.addService(service());
        case "extend" -> extend(packagePrefix, file::addExtension, file::addMessageType);
        case ";" -> { }
        default -> throw in.error(t, "expected a top-level statement, found " + ProtoTokens.quote(t.text()));
      }
    }
    return file.build();
  }

  // --- messages ---

  private DescriptorProto message(String scope) {
    Token nameToken = in.peek();
    String name = in.identifier();
    DescriptorProto.Builder message = DescriptorProto.newBuilder().setName(name);
    positions.put(scope + name, nameToken);
    messageBody(message, scope + name + ".");
    return message.build();
  }

  private void messageBody(DescriptorProto.Builder message, String scope) {
    if (++depth > MAX_NESTING) {
      throw in.error("messages nest deeper than " + MAX_NESTING + " levels");
    }
    in.expect("{");
    while (!in.tryConsume("}")) {
      Token t = in.peek();
      if (t.is(";")) {
        in.next();
        continue;
      }
      String keyword = t.kind() == Kind.IDENT ? t.text() : "";
      if ((keyword.equals("local") || keyword.equals("export"))
          && (in.peekIs(1, "message") || in.peekIs(1, "enum")) && !in.peekIs(2, "=")) {
        in.next();
        if (in.next().is("message")) {
          message.addNestedType(ProtoEditions.visibility(message(scope), t, edition, in));
        } else {
          message.addEnumType(ProtoEditions.visibility(enumType(scope), t, edition, in));
        }
        continue;
      }
      switch (keyword) {
        case "message" -> {
          in.next();
          message.addNestedType(message(scope));
        }
        case "enum" -> {
          in.next();
          message.addEnumType(enumType(scope));
        }
        case "oneof" -> {
          in.next();
          oneof(message, scope);
        }
        case "option" -> {
          in.next();
          Token at = in.peek();
          options.option(o -> message.getOptionsBuilder().addUninterpretedOption(o));
          var added = message.getOptions().getUninterpretedOptionList();
          var last = added.get(added.size() - 1);
          if (last.getNameCount() == 1 && last.getName(0).getNamePart().equals("map_entry")) {
            throw in.error(at, "map_entry should not be set explicitly: use map<KeyType, ValueType> instead");
          }
          in.expect(";");
        }
        case "reserved" -> {
          in.next();
          ranges.reserved(message);
        }
        case "extensions" -> {
          in.next();
          ranges.extensions(message);
        }
        case "extend" -> {
          in.next();
          extend(scope, message::addExtension, message::addNestedType);
        }
        default -> message.addField(field(scope, message::addNestedType, message, false));
      }
    }
    depth--;
    int max = isMessageSet(message) ? Integer.MAX_VALUE : MAX_FIELD_NUMBER + 1;
    for (var range : message.getExtensionRangeBuilderList()) {
      if (range.getEnd() == MAX_SENTINEL) {
        range.setEnd(max);
      }
    }
    for (var range : message.getReservedRangeBuilderList()) {
      if (range.getEnd() == MAX_SENTINEL) {
        range.setEnd(max);
      }
    }
    syntheticOneofs(message);
  }

  /** {@code option features.field_presence = LEGACY_REQUIRED;} just read at file level. */
  private static boolean isRequiredByDefault(FileDescriptorProto.Builder file) {
    List<UninterpretedOption> options = file.getOptions().getUninterpretedOptionList();
    UninterpretedOption o = options.get(options.size() - 1);
    return o.getNameCount() == 2 && o.getName(0).getNamePart().equals("features")
        && o.getName(1).getNamePart().equals("field_presence") && o.getIdentifierValue().equals("LEGACY_REQUIRED");
  }

  /** As protoc decides it before options are interpreted: {@code option message_set_wire_format = true;}. */
  private static boolean isMessageSet(DescriptorProto.Builder message) {
    for (UninterpretedOption o : message.getOptions().getUninterpretedOptionList()) {
      if (o.getNameCount() == 1 && o.getName(0).getNamePart().equals("message_set_wire_format")
          && o.getIdentifierValue().equals("true")) {
        return true;
      }
    }
    return false;
  }

  /** proto3 {@code optional}: a one-field oneof each, after the real oneofs, named as protoc names them. */
  private static void syntheticOneofs(DescriptorProto.Builder message) {
    Set<String> names = new HashSet<>();
    message.getFieldList().forEach(f -> names.add(f.getName()));
    message.getOneofDeclList().forEach(o -> names.add(o.getName()));
    for (FieldDescriptorProto.Builder f : message.getFieldBuilderList()) {
      if (f.getProto3Optional()) {
        // No double underscore in front (reserved in C++): protoc then prefixes "X" until the name is free.
        String name = f.getName().startsWith("_") ? f.getName() : "_" + f.getName();
        while (names.contains(name)) {
          name = "X" + name;
        }
        names.add(name);
        f.setOneofIndex(message.getOneofDeclCount());
        message.addOneofDecl(OneofDescriptorProto.newBuilder().setName(name));
      }
    }
  }

  /**
   * A field, group or map field. {@code inOneof} fields take no label; {@code nestedTypes} receives the type a
   * group or map declares.
   */
  private FieldDescriptorProto.Builder field(String scope, Consumer<DescriptorProto> nestedTypes,
      DescriptorProto.Builder message, boolean inOneof) {
    Token start = in.peek();
    FieldDescriptorProto.Builder field = FieldDescriptorProto.newBuilder();
    boolean hasLabel = false;
    if (in.peekKind() == Kind.IDENT) { // labels are keywords, as for protoc
      Label label = switch (start.text()) {
        case "optional" -> Label.LABEL_OPTIONAL;
        case "required" -> Label.LABEL_REQUIRED;
        case "repeated" -> Label.LABEL_REPEATED;
        default -> null;
      };
      if (label != null) {
        in.next();
        hasLabel = true;
        if (inOneof) {
          throw in.error(start, "fields in oneofs must not have labels (required / optional / repeated)");
        }
        if (label == Label.LABEL_REQUIRED && proto3()) {
          throw in.error(start, "required fields are not allowed in proto3");
        }
        if (label != Label.LABEL_REPEATED && editions()) {
          throw in.error(start, "label \"" + start.text() + "\" is not supported in editions: use "
              + "features.field_presence instead");
        }
        if (label == Label.LABEL_OPTIONAL && proto3()) {
          field.setProto3Optional(true);
        }
      }
      field.setLabel(label == null ? Label.LABEL_OPTIONAL : label);
    } else {
      field.setLabel(Label.LABEL_OPTIONAL);
    }
    Token typeToken = in.peek();
    if (typeToken.is("map") && in.peekIs(1, "<")) {
      if (hasLabel) {
        throw in.error(typeToken, "field labels (required/optional/repeated) are not allowed on map fields");
      }
      if (inOneof) {
        throw in.error(typeToken, "map fields are not allowed in oneofs");
      }
      if (message == null) {
        throw in.error(typeToken, "map fields are not allowed to be extensions");
      }
      return mapField(scope, nestedTypes);
    }
    if (!hasLabel && !inOneof && syntax.equals("proto2")) {
      throw in.error(typeToken, "expected \"required\", \"optional\", or \"repeated\"");
    }
    if (typeToken.is("group") && in.peekKind() == Kind.IDENT && !in.peekIs(1, ".")) {
      in.next();
      return group(field, scope, nestedTypes, typeToken);
    }
    String type = in.dottedName();
    Type scalar = SCALARS.get(type);
    if (scalar != null) {
      field.setType(scalar);
    } else {
      field.setTypeName(type);
    }
    Token nameToken = in.peek();
    field.setName(in.identifier());
    positions.put(scope + field.getName(), nameToken);
    positions.put("type:" + scope + field.getName(), typeToken);
    in.expect("=");
    field.setNumber(fieldNumber());
    options.fieldOptions(field, scalar, proto3());
    in.expect(";");
    return field;
  }

  private FieldDescriptorProto.Builder group(FieldDescriptorProto.Builder field, String scope,
      Consumer<DescriptorProto> nestedTypes, Token at) {
    if (!syntax.equals("proto2")) {
      throw in.error(at, proto3() ? "groups are not supported in proto3 syntax"
          : "group syntax is no longer supported in editions: use a message with "
              + "features.message_encoding = DELIMITED");
    }
    Token nameToken = in.peek();
    String name = in.identifier();
    if (!Character.isUpperCase(name.charAt(0))) {
      throw in.error(nameToken, "group names must start with a capital letter");
    }
    field.setName(name.toLowerCase(java.util.Locale.ROOT)).setType(Type.TYPE_GROUP).setTypeName(name);
    positions.put(scope + field.getName(), nameToken);
    positions.put(scope + name, nameToken);
    in.expect("=");
    field.setNumber(fieldNumber());
    options.fieldOptions(field, Type.TYPE_GROUP, proto3());
    DescriptorProto.Builder body = DescriptorProto.newBuilder().setName(name);
    messageBody(body, scope + name + ".");
    nestedTypes.accept(body.build());
    return field;
  }

  private FieldDescriptorProto.Builder mapField(String scope, Consumer<DescriptorProto> nestedTypes) {
    in.next(); // map
    in.expect("<");
    Token keyToken = in.peek();
    String keyType = in.dottedName();
    Type key = SCALARS.get(keyType);
    if (key == null || key == Type.TYPE_DOUBLE || key == Type.TYPE_FLOAT || key == Type.TYPE_BYTES) {
      throw in.error(keyToken, "key in map fields cannot be float/double, bytes or message types");
    }
    in.expect(",");
    String valueType = in.dottedName();
    in.expect(">");
    Token nameToken = in.peek();
    String name = in.identifier();
    positions.put(scope + name, nameToken);
    String entryName = mapEntryName(name);
    FieldDescriptorProto.Builder keyField = FieldDescriptorProto.newBuilder().setName("key").setNumber(1)
        .setLabel(Label.LABEL_OPTIONAL).setType(key).setJsonName("key");
    FieldDescriptorProto.Builder valueField = FieldDescriptorProto.newBuilder().setName("value").setNumber(2)
        .setLabel(Label.LABEL_OPTIONAL).setJsonName("value");
    Type value = SCALARS.get(valueType);
    if (value != null) {
      valueField.setType(value);
    } else {
      valueField.setTypeName(valueType);
    }
    positions.put(scope + entryName + ".value", nameToken);
    DescriptorProto.Builder entry = DescriptorProto.newBuilder().setName(entryName).addField(keyField)
        .addField(valueField).setOptions(MessageOptions.newBuilder().setMapEntry(true));
    FieldDescriptorProto.Builder field = FieldDescriptorProto.newBuilder().setName(name)
        .setLabel(Label.LABEL_REPEATED).setTypeName(entryName);
    in.expect("=");
    field.setNumber(fieldNumber());
    options.fieldOptions(field, Type.TYPE_MESSAGE, proto3());
    in.expect(";");
    ProtoEditions.copyMapEntryFeatures(field, entry);
    nestedTypes.accept(entry.build());
    return field;
  }

  /** protoc's map entry naming: "my_map" becomes "MyMapEntry". */
  static String mapEntryName(String fieldName) {
    StringBuilder out = new StringBuilder();
    boolean upper = true;
    for (char c : fieldName.toCharArray()) {
      if (c == '_') {
        upper = true;
      } else if (upper) {
        out.append(c >= 'a' && c <= 'z' ? (char) (c - 'a' + 'A') : c);
        upper = false;
      } else {
        out.append(c);
      }
    }
    return out.append("Entry").toString();
  }

  private void oneof(DescriptorProto.Builder message, String scope) {
    int index = message.getOneofDeclCount();
    Token nameToken = in.peek();
    OneofDescriptorProto.Builder oneof = message.addOneofDeclBuilder().setName(in.identifier());
    positions.put(scope + oneof.getName(), nameToken);
    in.expect("{");
    if (in.peekIs("}")) {
      throw in.error("expected type name: a oneof needs at least one field");
    }
    while (!in.tryConsume("}")) {
      if (in.tryConsume("option")) {
        options.option(o -> oneof.getOptionsBuilder().addUninterpretedOption(o));
        in.expect(";");
      } else if (!in.tryConsume(";")) {
        message.addField(field(scope, message::addNestedType, message, true).setOneofIndex(index));
      }
    }
  }

  private void extend(String scope, Consumer<FieldDescriptorProto.Builder> extensions,
      Consumer<DescriptorProto> nestedTypes) {
    Token at = in.peek();
    String extendee = in.dottedName();
    in.expect("{");
    boolean any = false;
    while (!in.tryConsume("}")) {
      if (in.tryConsume(";")) {
        continue;
      }
      any = true;
      FieldDescriptorProto.Builder field = field(scope, nestedTypes, null, false);
      positions.put("extend:" + scope + field.getName(), at);
      if (field.hasJsonName()) {
        throw in.error(positions.get(scope + field.getName()), "option json_name is not allowed on extension fields");
      }
      extensions.accept(field.setExtendee(extendee));
    }
    if (!any) {
      throw in.error(at, "expected a field in the extend block");
    }
  }

  private int fieldNumber() {
    Token at = in.peek();
    long number = in.integer(Integer.MIN_VALUE, Integer.MAX_VALUE);
    if (number <= 0) {
      throw in.error(at, "field numbers must be positive integers");
    }
    return (int) number;
  }

  // --- enums ---

  private EnumDescriptorProto enumType(String scope) {
    Token nameToken = in.peek();
    EnumDescriptorProto.Builder e = EnumDescriptorProto.newBuilder().setName(in.identifier());
    positions.put(scope + e.getName(), nameToken);
    in.expect("{");
    while (!in.tryConsume("}")) {
      if (in.tryConsume(";")) {
        continue;
      }
      if (in.peekIs("option") && !in.peekIs(1, "=")) {
        in.next();
        options.option(o -> e.getOptionsBuilder().addUninterpretedOption(o));
        in.expect(";");
      } else if (in.peekIs("reserved") && !in.peekIs(1, "=")) {
        in.next();
        ranges.enumReserved(e);
      } else {
        Token valueToken = in.peek();
        EnumValueDescriptorProto.Builder value = e.addValueBuilder().setName(in.identifier());
        positions.put(scope + value.getName(), valueToken);
        in.expect("=");
        value.setNumber((int) in.integer(Integer.MIN_VALUE, Integer.MAX_VALUE));
        if (in.tryConsume("[")) {
          do {
            options.option(o -> value.getOptionsBuilder().addUninterpretedOption(o));
          } while (in.tryConsume(","));
          in.expect("]");
        }
        in.expect(";");
      }
    }
    if (e.getValueCount() == 0) {
      throw in.error(nameToken, "enums must contain at least one value");
    }
    if (proto3() && e.getValue(0).getNumber() != 0) {
      throw in.error(positions.get(scope + e.getValue(0).getName()),
          "the first enum value must be zero for open enums (proto3)");
    }
    return e.build();
  }

  // --- services ---

  private ServiceDescriptorProto service() {
    Token nameToken = in.peek();
    ServiceDescriptorProto.Builder service = ServiceDescriptorProto.newBuilder().setName(in.identifier());
    String scope = packagePrefix + service.getName() + ".";
    positions.put(packagePrefix + service.getName(), nameToken);
    in.expect("{");
    while (!in.tryConsume("}")) {
      if (in.tryConsume(";")) {
        continue;
      }
      Token t = in.next();
      if (t.is("option")) {
        options.option(o -> service.getOptionsBuilder().addUninterpretedOption(o));
        in.expect(";");
      } else if (t.is("rpc")) {
        service.addMethod(method(scope));
      } else {
        throw in.error(t, "expected \"rpc\" or \"option\", found " + ProtoTokens.quote(t.text()));
      }
    }
    return service.build();
  }

  private MethodDescriptorProto method(String scope) {
    Token nameToken = in.peek();
    MethodDescriptorProto.Builder method = MethodDescriptorProto.newBuilder().setName(in.identifier());
    positions.put(scope + method.getName(), nameToken);
    in.expect("(");
    if (in.tryConsume("stream")) { // a keyword here, always, as for protoc
      method.setClientStreaming(true);
    }
    method.setInputType(in.dottedName());
    in.expect(")");
    in.expect("returns");
    in.expect("(");
    if (in.tryConsume("stream")) {
      method.setServerStreaming(true);
    }
    method.setOutputType(in.dottedName());
    in.expect(")");
    if (in.tryConsume("{")) {
      method.getOptionsBuilder(); // protoc gives a method with a body options, even empty ones
      while (!in.tryConsume("}")) {
        if (in.tryConsume(";")) {
          continue;
        }
        in.expect("option");
        options.option(o -> method.getOptionsBuilder().addUninterpretedOption(o));
        in.expect(";");
      }
      in.tryConsume(";");
    } else {
      in.expect(";");
    }
    return method.build();
  }

}
