package dev.kafkarest.schema.proto;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.ServiceDescriptorProto;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The names a file can see: its own and those of the files it imports (with their public imports), and protoc's
 * scoping rule for a name written inside an element.
 */
final class ProtoSymbols {
  enum Kind {
    PACKAGE, MESSAGE, ENUM, ENUM_VALUE, FIELD, ONEOF, SERVICE, METHOD;

    boolean isAggregate() {
      return this == PACKAGE || this == MESSAGE || this == ENUM || this == SERVICE;
    }

    boolean isType() {
      return this == MESSAGE || this == ENUM;
    }
  }

  private final Map<String, Kind> symbols = new HashMap<>();

  ProtoSymbols(FileDescriptorProto.Builder file, List<FileDescriptor> dependencies) {
    addPackage(file.getPackage());
    String prefix = file.getPackage().isEmpty() ? "" : file.getPackage() + ".";
    file.getMessageTypeList().forEach(m -> add(prefix, m));
    file.getEnumTypeList().forEach(e -> add(prefix, e));
    file.getExtensionList().forEach(f -> symbols.putIfAbsent(prefix + f.getName(), Kind.FIELD));
    for (ServiceDescriptorProto s : file.getServiceList()) {
      symbols.putIfAbsent(prefix + s.getName(), Kind.SERVICE);
      s.getMethodList().forEach(m -> symbols.putIfAbsent(prefix + s.getName() + "." + m.getName(), Kind.METHOD));
    }
    Set<FileDescriptor> seen = new HashSet<>();
    Deque<FileDescriptor> visible = new ArrayDeque<>(dependencies);
    while (!visible.isEmpty()) {
      FileDescriptor dep = visible.pop();
      if (seen.add(dep)) {
        add(dep);
        visible.addAll(dep.getPublicDependencies());
      }
    }
  }

  private void addPackage(String pkg) {
    if (pkg.isEmpty()) {
      return;
    }
    String[] parts = pkg.split("\\.");
    StringBuilder name = new StringBuilder();
    for (String part : parts) {
      if (name.length() > 0) {
        name.append('.');
      }
      name.append(part);
      symbols.putIfAbsent(name.toString(), Kind.PACKAGE);
    }
  }

  private void add(String prefix, DescriptorProto m) {
    String name = prefix + m.getName();
    symbols.putIfAbsent(name, Kind.MESSAGE);
    String inner = name + ".";
    m.getFieldList().forEach(f -> symbols.putIfAbsent(inner + f.getName(), Kind.FIELD));
    m.getExtensionList().forEach(f -> symbols.putIfAbsent(inner + f.getName(), Kind.FIELD));
    m.getOneofDeclList().forEach(o -> symbols.putIfAbsent(inner + o.getName(), Kind.ONEOF));
    m.getNestedTypeList().forEach(n -> add(inner, n));
    m.getEnumTypeList().forEach(e -> add(inner, e));
  }

  private void add(String prefix, EnumDescriptorProto e) {
    symbols.putIfAbsent(prefix + e.getName(), Kind.ENUM);
    // Enum values are siblings of their enum, as in C++.
    e.getValueList().forEach(v -> symbols.putIfAbsent(prefix + v.getName(), Kind.ENUM_VALUE));
  }

  private void add(FileDescriptor file) {
    addPackage(file.getPackage());
    file.getMessageTypes().forEach(this::add);
    file.getEnumTypes().forEach(this::add);
    file.getExtensions().forEach(f -> symbols.putIfAbsent(f.getFullName(), Kind.FIELD));
    for (ServiceDescriptor s : file.getServices()) {
      symbols.putIfAbsent(s.getFullName(), Kind.SERVICE);
      s.getMethods().forEach(m -> symbols.putIfAbsent(m.getFullName(), Kind.METHOD));
    }
  }

  private void add(Descriptor m) {
    symbols.putIfAbsent(m.getFullName(), Kind.MESSAGE);
    for (FieldDescriptor f : m.getFields()) {
      symbols.putIfAbsent(f.getFullName(), Kind.FIELD);
    }
    m.getExtensions().forEach(f -> symbols.putIfAbsent(f.getFullName(), Kind.FIELD));
    m.getOneofs().forEach(o -> symbols.putIfAbsent(o.getFullName(), Kind.ONEOF));
    m.getNestedTypes().forEach(this::add);
    m.getEnumTypes().forEach(this::add);
  }

  private void add(EnumDescriptor e) {
    symbols.putIfAbsent(e.getFullName(), Kind.ENUM);
    String parent = e.getFullName().contains(".")
        ? e.getFullName().substring(0, e.getFullName().lastIndexOf('.') + 1) : "";
    e.getValues().forEach(v -> symbols.putIfAbsent(parent + v.getName(), Kind.ENUM_VALUE));
  }

  Kind kind(String fullName) {
    return symbols.get(fullName);
  }

  /**
   * The full name {@code name} stands for when written inside the element {@code relativeTo} (protoc's
   * LookupSymbol), or null. With {@code typesOnly}, a non-type found for the whole name is passed over.
   */
  String resolve(String name, String relativeTo, boolean typesOnly) {
    if (name.startsWith(".")) {
      return symbols.containsKey(name.substring(1)) ? name.substring(1) : null;
    }
    int firstDot = name.indexOf('.');
    String firstPart = firstDot < 0 ? name : name.substring(0, firstDot);
    String scope = relativeTo;
    while (true) {
      int dot = scope.lastIndexOf('.');
      if (dot < 0) {
        return symbols.containsKey(name) ? name : null;
      }
      scope = scope.substring(0, dot);
      String candidate = scope + "." + firstPart;
      Kind found = symbols.get(candidate);
      if (found != null) {
        if (firstDot >= 0) {
          if (found.isAggregate()) {
            String whole = scope + "." + name;
            return symbols.containsKey(whole) ? whole : null;
          }
        } else if (!typesOnly || found.isType()) {
          return candidate;
        }
      }
    }
  }
}
