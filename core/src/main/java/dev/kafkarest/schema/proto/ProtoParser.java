package dev.kafkarest.schema.proto;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumDescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumValueDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldOptions;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.MessageOptions;
import com.google.protobuf.DescriptorProtos.OneofDescriptorProto;
import dev.kafkarest.schema.proto.ProtoTokenizer.Kind;
import dev.kafkarest.schema.proto.ProtoTokenizer.Token;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A parser for the proto2/proto3 grammar, straight to a {@link FileDescriptorProto}: messages (nested), enums,
 * fields with labels, {@code map<,>}, {@code oneof}, proto3 {@code optional}, packages and imports. Options are
 * read and ignored, except {@code default}, {@code json_name}, {@code packed} and {@code deprecated} on fields.
 * Services and extensions are skipped; groups and editions are refused. Type names are left as written (message
 * or enum is decided when {@code Descriptors} links the file, with protobuf's own scoping rules).
 */
public final class ProtoParser {
  private static final Map<String, FieldDescriptorProto.Type> SCALARS = Map.ofEntries(
      Map.entry("double", FieldDescriptorProto.Type.TYPE_DOUBLE),
      Map.entry("float", FieldDescriptorProto.Type.TYPE_FLOAT),
      Map.entry("int32", FieldDescriptorProto.Type.TYPE_INT32),
      Map.entry("int64", FieldDescriptorProto.Type.TYPE_INT64),
      Map.entry("uint32", FieldDescriptorProto.Type.TYPE_UINT32),
      Map.entry("uint64", FieldDescriptorProto.Type.TYPE_UINT64),
      Map.entry("sint32", FieldDescriptorProto.Type.TYPE_SINT32),
      Map.entry("sint64", FieldDescriptorProto.Type.TYPE_SINT64),
      Map.entry("fixed32", FieldDescriptorProto.Type.TYPE_FIXED32),
      Map.entry("fixed64", FieldDescriptorProto.Type.TYPE_FIXED64),
      Map.entry("sfixed32", FieldDescriptorProto.Type.TYPE_SFIXED32),
      Map.entry("sfixed64", FieldDescriptorProto.Type.TYPE_SFIXED64),
      Map.entry("bool", FieldDescriptorProto.Type.TYPE_BOOL),
      Map.entry("string", FieldDescriptorProto.Type.TYPE_STRING),
      Map.entry("bytes", FieldDescriptorProto.Type.TYPE_BYTES));

  /** Hostile schemas must not exhaust the stack: protoc itself caps nesting too. */
  private static final int MAX_NESTING = 64;

  private final List<Token> tokens;
  private int pos;
  private int depth;
  private boolean proto3;

  private ProtoParser(String text) {
    this.tokens = ProtoTokenizer.tokenize(text);
  }

  /** Parses one {@code .proto} file; {@code fileName} is how other files import it. */
  public static FileDescriptorProto parse(String text, String fileName) {
    return new ProtoParser(text).file(fileName);
  }

  private FileDescriptorProto file(String fileName) {
    FileDescriptorProto.Builder file = FileDescriptorProto.newBuilder().setName(fileName);
    if (peekIs("syntax")) {
      next();
      expect("=");
      String syntax = string();
      expect(";");
      if (syntax.equals("proto3")) {
        proto3 = true;
        file.setSyntax("proto3");
      } else if (!syntax.equals("proto2")) {
        throw error("unsupported syntax " + quoteShort(syntax));
      }
    } else if (peekIs("edition")) {
      throw error("protobuf editions are not supported");
    }
    while (!atEnd()) {
      Token t = next();
      switch (t.text()) {
        case "package" -> {
          file.setPackage(ident());
          expect(";");
        }
        case "import" -> {
          boolean isPublic = false;
          boolean isWeak = false;
          if (peekIs("public") || peekIs("weak")) {
            isPublic = next().text().equals("public");
            isWeak = !isPublic;
          }
          file.addDependency(string());
          if (isPublic) {
            file.addPublicDependency(file.getDependencyCount() - 1);
          } else if (isWeak) {
            file.addWeakDependency(file.getDependencyCount() - 1);
          }
          expect(";");
        }
        case "option" -> skipOption();
        case "message" -> file.addMessageType(message());
        case "enum" -> file.addEnumType(enumType());
        case "service", "extend" -> skipDeclaration();
        case ";" -> { }
        default -> throw error("unexpected " + quoteShort(t.text()));
      }
    }
    return file.build();
  }

  private DescriptorProto message() {
    if (++depth > MAX_NESTING) {
      throw error("messages nest deeper than " + MAX_NESTING + " levels");
    }
    DescriptorProto.Builder message = DescriptorProto.newBuilder().setName(name());
    expect("{");
    List<OneofDescriptorProto> syntheticOneofs = new ArrayList<>();
    List<FieldDescriptorProto.Builder> syntheticFields = new ArrayList<>();
    while (!peekIs("}")) {
      Token t = peek();
      switch (t.text()) {
        case "message" -> {
          next();
          message.addNestedType(message());
        }
        case "enum" -> {
          next();
          message.addEnumType(enumType());
        }
        case "oneof" -> {
          next();
          oneof(message);
        }
        case "option" -> {
          next();
          skipOption();
        }
        case "reserved", "extensions" -> skipStatement();
        case "extend" -> {
          next();
          skipDeclaration();
        }
        case "map" -> {
          if (isMapField()) {
            mapField(message);
          } else {
            message.addField(field(FieldDescriptorProto.Label.LABEL_OPTIONAL));
          }
        }
        case ";" -> next();
        default -> {
          FieldDescriptorProto.Label label = FieldDescriptorProto.Label.LABEL_OPTIONAL;
          boolean explicitOptional = false;
          if (t.kind() == Kind.IDENT && (t.text().equals("repeated") || t.text().equals("optional")
              || t.text().equals("required"))) {
            next();
            label = switch (t.text()) {
              case "repeated" -> FieldDescriptorProto.Label.LABEL_REPEATED;
              case "required" -> FieldDescriptorProto.Label.LABEL_REQUIRED;
              default -> FieldDescriptorProto.Label.LABEL_OPTIONAL;
            };
            explicitOptional = t.text().equals("optional");
          }
          if (peekIs("group")) {
            throw error("groups are not supported");
          }
          FieldDescriptorProto.Builder field = field(label);
          if (proto3 && explicitOptional) {
            // proto3 "optional": a synthetic one-field oneof, placed after the real oneofs as protoc does.
            field.setProto3Optional(true);
            syntheticFields.add(field);
            syntheticOneofs.add(OneofDescriptorProto.newBuilder().setName("_" + field.getName()).build());
          }
          message.addField(field);
        }
      }
    }
    expect("}");
    depth--;
    int firstSynthetic = message.getOneofDeclCount();
    for (int i = 0; i < syntheticOneofs.size(); i++) {
      message.addOneofDecl(syntheticOneofs.get(i));
      String fieldName = syntheticFields.get(i).getName();
      for (FieldDescriptorProto.Builder f : message.getFieldBuilderList()) {
        if (f.getName().equals(fieldName)) {
          f.setOneofIndex(firstSynthetic + i);
        }
      }
    }
    return message.build();
  }

  private FieldDescriptorProto.Builder field(FieldDescriptorProto.Label label) {
    FieldDescriptorProto.Builder field = FieldDescriptorProto.newBuilder().setLabel(label);
    setType(field, ident());
    field.setName(name());
    expect("=");
    field.setNumber(fieldNumber());
    fieldOptions(field);
    expect(";");
    return field;
  }

  private void setType(FieldDescriptorProto.Builder field, String type) {
    FieldDescriptorProto.Type scalar = SCALARS.get(type);
    if (scalar != null) {
      field.setType(scalar);
    } else {
      field.setTypeName(type);
    }
  }

  private boolean isMapField() {
    return pos + 1 < tokens.size() && tokens.get(pos + 1).is("<");
  }

  private void mapField(DescriptorProto.Builder message) {
    next(); // map
    expect("<");
    String keyType = ident();
    if (!SCALARS.containsKey(keyType) || keyType.equals("double") || keyType.equals("float")
        || keyType.equals("bytes")) {
      throw error("invalid map key type " + quoteShort(keyType));
    }
    expect(",");
    String valueType = ident();
    expect(">");
    String name = name();
    String entryName = camelCase(name) + "Entry";
    FieldDescriptorProto.Builder key = FieldDescriptorProto.newBuilder().setName("key").setNumber(1)
        .setLabel(FieldDescriptorProto.Label.LABEL_OPTIONAL);
    setType(key, keyType);
    FieldDescriptorProto.Builder value = FieldDescriptorProto.newBuilder().setName("value").setNumber(2)
        .setLabel(FieldDescriptorProto.Label.LABEL_OPTIONAL);
    setType(value, valueType);
    message.addNestedType(DescriptorProto.newBuilder().setName(entryName).addField(key).addField(value)
        .setOptions(MessageOptions.newBuilder().setMapEntry(true)));
    FieldDescriptorProto.Builder field = FieldDescriptorProto.newBuilder().setName(name)
        .setLabel(FieldDescriptorProto.Label.LABEL_REPEATED).setTypeName(entryName)
        .setType(FieldDescriptorProto.Type.TYPE_MESSAGE);
    expect("=");
    field.setNumber(fieldNumber());
    fieldOptions(field);
    expect(";");
    message.addField(field);
  }

  private void oneof(DescriptorProto.Builder message) {
    int index = message.getOneofDeclCount();
    message.addOneofDecl(OneofDescriptorProto.newBuilder().setName(name()));
    expect("{");
    while (!peekIs("}")) {
      if (peekIs("option")) {
        next();
        skipOption();
      } else if (peekIs(";")) {
        next();
      } else if (peekIs("group")) {
        throw error("groups are not supported");
      } else {
        message.addField(field(FieldDescriptorProto.Label.LABEL_OPTIONAL).setOneofIndex(index));
      }
    }
    expect("}");
  }

  private EnumDescriptorProto enumType() {
    EnumDescriptorProto.Builder e = EnumDescriptorProto.newBuilder().setName(name());
    expect("{");
    while (!peekIs("}")) {
      if (peekIs("option")) {
        next();
        skipOption();
      } else if (peekIs("reserved")) {
        skipStatement();
      } else if (peekIs(";")) {
        next();
      } else {
        String valueName = name();
        expect("=");
        int number = (int) integer(true, Integer.MIN_VALUE, Integer.MAX_VALUE);
        if (peekIs("[")) {
          skipBracketed();
        }
        expect(";");
        e.addValue(EnumValueDescriptorProto.newBuilder().setName(valueName).setNumber(number));
      }
    }
    expect("}");
    if (e.getValueCount() == 0) {
      throw error("enum " + quoteShort(e.getName()) + " has no values");
    }
    return e.build();
  }

  /** {@code [name = value, ...]}: keeps the options that change the descriptor, ignores the rest. */
  private void fieldOptions(FieldDescriptorProto.Builder field) {
    if (!peekIs("[")) {
      return;
    }
    next();
    FieldOptions.Builder options = FieldOptions.newBuilder();
    boolean anyOption = false;
    while (true) {
      String name = optionName();
      expect("=");
      Token value = constant();
      switch (name) {
        case "default" -> field.setDefaultValue(value.text());
        case "json_name" -> field.setJsonName(value.text());
        case "packed" -> {
          options.setPacked(value.text().equals("true"));
          anyOption = true;
        }
        case "deprecated" -> {
          options.setDeprecated(value.text().equals("true"));
          anyOption = true;
        }
        default -> { }
      }
      if (peekIs(",")) {
        next();
      } else {
        break;
      }
    }
    expect("]");
    if (anyOption) {
      field.setOptions(options);
    }
  }

  private String optionName() {
    StringBuilder name = new StringBuilder();
    if (peekIs("(")) {
      next();
      name.append('(').append(ident()).append(')');
      expect(")");
      if (peek().kind() == Kind.IDENT && peek().text().startsWith(".")) {
        name.append(next().text());
      }
    } else {
      name.append(ident());
    }
    return name.toString();
  }

  /** A constant: identifier, number (with sign), string (adjacent strings joined) or a {...} aggregate. */
  private Token constant() {
    Token t = peek();
    if (t.is("{")) {
      skipBraces();
      return new Token(Kind.SYMBOL, "{}", t.line());
    }
    if (t.is("-") || t.is("+")) {
      next();
      Token number = next();
      return new Token(Kind.NUMBER, (t.is("-") ? "-" : "") + number.text(), t.line());
    }
    if (t.kind() == Kind.STRING) {
      StringBuilder s = new StringBuilder();
      while (!atEnd() && peek().kind() == Kind.STRING) {
        s.append(next().text());
      }
      return new Token(Kind.STRING, s.toString(), t.line());
    }
    return next();
  }

  private void skipOption() {
    optionName();
    expect("=");
    constant();
    expect(";");
  }

  /** Skips up to and including the next ";" (reserved, extensions). */
  private void skipStatement() {
    while (!next().is(";")) {
      if (atEnd()) {
        throw error("unexpected end of file");
      }
    }
  }

  /** Skips a declaration with a body (service, extend): everything up to its closing brace. */
  private void skipDeclaration() {
    while (!peekIs("{")) {
      next();
    }
    skipBraces();
  }

  private void skipBraces() {
    expect("{");
    int depth = 1;
    while (depth > 0) {
      Token t = next();
      if (t.is("{")) {
        depth++;
      } else if (t.is("}")) {
        depth--;
      }
    }
  }

  private void skipBracketed() {
    expect("[");
    while (!next().is("]")) {
      if (atEnd()) {
        throw error("unexpected end of file");
      }
    }
  }

  // --- tokens ---

  private int fieldNumber() {
    return (int) integer(false, 1, 536_870_911);
  }

  private long integer(boolean allowNegative, long min, long max) {
    boolean negative = false;
    if (allowNegative && peekIs("-")) {
      next();
      negative = true;
    }
    Token t = next();
    if (t.kind() != Kind.NUMBER) {
      throw error("expected a number, found " + quoteShort(t.text()));
    }
    long value;
    try {
      String text = t.text();
      if (text.startsWith("0x") || text.startsWith("0X")) {
        value = Long.parseLong(text.substring(2), 16);
      } else if (text.length() > 1 && text.startsWith("0")) {
        value = Long.parseLong(text.substring(1), 8);
      } else {
        value = Long.parseLong(text);
      }
    } catch (NumberFormatException e) {
      throw error("invalid number " + quoteShort(t.text()));
    }
    value = negative ? -value : value;
    if (value < min || value > max) {
      throw error("number out of range: " + value);
    }
    return value;
  }

  private String name() {
    Token t = next();
    if (t.kind() != Kind.IDENT || t.text().contains(".")) {
      throw error("expected a name, found " + quoteShort(t.text()));
    }
    return t.text();
  }

  private String ident() {
    Token t = next();
    if (t.kind() != Kind.IDENT) {
      throw error("expected a name, found " + quoteShort(t.text()));
    }
    return t.text();
  }

  private String string() {
    Token t = next();
    if (t.kind() != Kind.STRING) {
      throw error("expected a quoted string, found " + quoteShort(t.text()));
    }
    return t.text();
  }

  private void expect(String symbol) {
    Token t = next();
    if (!t.is(symbol)) {
      throw new ProtoParseException("expected \"" + symbol + "\", found " + quoteShort(t.text()), t.line());
    }
  }

  private boolean peekIs(String text) {
    return !atEnd() && tokens.get(pos).is(text);
  }

  private Token peek() {
    if (atEnd()) {
      throw error("unexpected end of file");
    }
    return tokens.get(pos);
  }

  private Token next() {
    Token t = peek();
    pos++;
    return t;
  }

  private boolean atEnd() {
    return pos >= tokens.size();
  }

  private ProtoParseException error(String message) {
    // Errors are raised just after the offending token was consumed.
    int line = tokens.isEmpty() ? 1 : tokens.get(Math.max(0, Math.min(pos - 1, tokens.size() - 1))).line();
    return new ProtoParseException(message, line);
  }

  private static String quoteShort(String s) {
    String cut = s.length() > 40 ? s.substring(0, 40) + "..." : s;
    return "\"" + cut.replaceAll("\\p{Cntrl}", "?") + "\"";
  }

  /** protoc's map entry naming: "my_map" becomes "MyMap". */
  static String camelCase(String name) {
    StringBuilder out = new StringBuilder();
    boolean upper = true;
    for (char c : name.toCharArray()) {
      if (c == '_') {
        upper = true;
      } else {
        out.append(upper ? Character.toUpperCase(c) : c);
        upper = false;
      }
    }
    return out.toString();
  }
}
