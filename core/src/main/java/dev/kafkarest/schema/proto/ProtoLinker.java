package dev.kafkarest.schema.proto;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto.Type;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.MethodDescriptorProto;
import com.google.protobuf.DescriptorProtos.ServiceDescriptorProto;
import com.google.protobuf.Descriptors.FileDescriptor;
import dev.kafkarest.schema.proto.ProtoSymbols.Kind;
import dev.kafkarest.schema.proto.ProtoTokenizer.Token;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Resolves the type names a parsed file wrote (field types, extendees, method types) to the fully qualified
 * {@code .pkg.Type} names protoc puts in its descriptors, and sets message or enum on named field types.
 */
final class ProtoLinker {
  private final ProtoSymbols symbols;
  private final Map<String, Token> positions;
  private final String fileName;
  /** Types of imported files that are local to them (edition 2024). */
  private final Set<String> hidden;

  private ProtoLinker(ProtoSymbols symbols, Map<String, Token> positions, String fileName, Set<String> hidden) {
    this.symbols = symbols;
    this.positions = positions;
    this.fileName = fileName;
    this.hidden = hidden;
  }

  static ProtoSymbols resolve(FileDescriptorProto.Builder file, Map<String, Token> positions,
      List<FileDescriptor> dependencies, Set<String> hidden) {
    ProtoSymbols symbols = new ProtoSymbols(file, dependencies);
    ProtoLinker linker = new ProtoLinker(symbols, positions, file.getName(), hidden);
    String prefix = file.getPackage().isEmpty() ? "" : file.getPackage() + ".";
    for (DescriptorProto.Builder m : file.getMessageTypeBuilderList()) {
      linker.message(m, prefix + m.getName());
    }
    for (FieldDescriptorProto.Builder f : file.getExtensionBuilderList()) {
      linker.extension(f, prefix);
    }
    for (ServiceDescriptorProto.Builder s : file.getServiceBuilderList()) {
      String service = prefix + s.getName();
      for (MethodDescriptorProto.Builder m : s.getMethodBuilderList()) {
        String method = service + "." + m.getName();
        m.setInputType(linker.message(m.getInputType(), method, method));
        m.setOutputType(linker.message(m.getOutputType(), method, method));
      }
    }
    return symbols;
  }

  private void message(DescriptorProto.Builder m, String fullName) {
    for (FieldDescriptorProto.Builder f : m.getFieldBuilderList()) {
      field(f, fullName + "." + f.getName(), fullName + "." + f.getName());
    }
    for (FieldDescriptorProto.Builder f : m.getExtensionBuilderList()) {
      extension(f, fullName + ".");
    }
    for (DescriptorProto.Builder n : m.getNestedTypeBuilderList()) {
      message(n, fullName + "." + n.getName());
    }
  }

  private void extension(FieldDescriptorProto.Builder f, String scope) {
    String fullName = scope + f.getName();
    String at = "extend:" + fullName;
    f.setExtendee(message(f.getExtendee(), fullName, at));
    field(f, fullName, at);
  }

  private void field(FieldDescriptorProto.Builder f, String fullName, String element) {
    if (!f.hasTypeName()) {
      return;
    }
    // Type errors point at the type, as protoc's do.
    String at = positions.containsKey("type:" + fullName) ? "type:" + fullName : element;
    String resolved = symbols.resolve(f.getTypeName(), fullName, true);
    Kind kind = resolved == null ? null : symbols.kind(resolved);
    if (kind == null) {
      throw error(at, "\"" + f.getTypeName() + "\" is not defined");
    }
    if (!kind.isType()) {
      throw error(at, "\"" + f.getTypeName() + "\" is not a type");
    }
    visible(resolved, at);
    if (f.getType() == Type.TYPE_GROUP && kind != Kind.MESSAGE) {
      throw error(at, "\"" + f.getTypeName() + "\" is not a message type");
    }
    if (!f.hasType()) {
      f.setType(kind == Kind.MESSAGE ? Type.TYPE_MESSAGE : Type.TYPE_ENUM);
    }
    if (f.hasDefaultValue() && kind == Kind.MESSAGE) {
      throw error(at, "messages can't have default values");
    }
    f.setTypeName("." + resolved);
  }

  private String message(String name, String relativeTo, String at) {
    String resolved = symbols.resolve(name, relativeTo, false);
    if (resolved == null) {
      throw error(at, "\"" + name + "\" is not defined");
    }
    if (symbols.kind(resolved) != Kind.MESSAGE) {
      throw error(at, "\"" + name + "\" is not a message type");
    }
    visible(resolved, at);
    return "." + resolved;
  }

  private void visible(String type, String at) {
    if (hidden.contains(type)) {
      throw error(at, "symbol \"" + type + "\" is local to the file that defines it (edition 2024 visibility) "
          + "and cannot be used here");
    }
  }

  private ProtoParseException error(String element, String message) {
    Token t = positions.get(element);
    if (t == null && element.startsWith("extend:")) {
      t = positions.get(element.substring("extend:".length()));
    }
    return t == null ? new ProtoParseException(message, fileName)
        : new ProtoParseException(message, fileName, t.line(), t.column());
  }
}
