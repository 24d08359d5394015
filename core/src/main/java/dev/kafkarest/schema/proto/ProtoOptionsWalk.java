package dev.kafkarest.schema.proto;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumDescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumValueDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.MethodDescriptorProto;
import com.google.protobuf.DescriptorProtos.OneofDescriptorProto;
import com.google.protobuf.DescriptorProtos.ServiceDescriptorProto;
import com.google.protobuf.Message;
import java.util.function.Consumer;

/** Visits every options message of a file with the name scope protoc interprets it in. */
final class ProtoOptionsWalk {
  private final ProtoOptions options;

  private ProtoOptionsWalk(ProtoOptions options) {
    this.options = options;
  }

  static void interpret(FileDescriptorProto.Builder file, ProtoOptions options) {
    new ProtoOptionsWalk(options).file(file);
  }

  /** Interprets one options message; an options message left empty by source-retention options goes. */
  private <M extends Message> void apply(M current, String scope, Consumer<M> set, Runnable clear) {
    M interpreted = options.interpret(current, scope);
    if (interpreted == null) {
      clear.run();
    } else {
      set.accept(interpreted);
    }
  }

  private void file(FileDescriptorProto.Builder f) {
    String prefix = f.getPackage().isEmpty() ? "" : f.getPackage() + ".";
    if (f.hasOptions()) {
      apply(f.getOptions(), prefix + "dummy", f::setOptions, f::clearOptions);
    }
    f.getMessageTypeBuilderList().forEach(m -> message(m, prefix + m.getName()));
    f.getEnumTypeBuilderList().forEach(e -> enumType(e, prefix));
    f.getExtensionBuilderList().forEach(x -> field(x, prefix + x.getName()));
    for (ServiceDescriptorProto.Builder s : f.getServiceBuilderList()) {
      String name = prefix + s.getName();
      if (s.hasOptions()) {
        apply(s.getOptions(), name, s::setOptions, s::clearOptions);
      }
      for (MethodDescriptorProto.Builder m : s.getMethodBuilderList()) {
        if (m.hasOptions()) {
          apply(m.getOptions(), name + "." + m.getName(), m::setOptions, m::clearOptions);
        }
      }
    }
  }

  private void message(DescriptorProto.Builder m, String name) {
    if (m.hasOptions()) {
      apply(m.getOptions(), name, m::setOptions, m::clearOptions);
    }
    m.getFieldBuilderList().forEach(f -> field(f, name + "." + f.getName()));
    m.getExtensionBuilderList().forEach(f -> field(f, name + "." + f.getName()));
    for (OneofDescriptorProto.Builder o : m.getOneofDeclBuilderList()) {
      if (o.hasOptions()) {
        apply(o.getOptions(), name + "." + o.getName(), o::setOptions, o::clearOptions);
      }
    }
    for (DescriptorProto.ExtensionRange.Builder r : m.getExtensionRangeBuilderList()) {
      if (r.hasOptions()) {
        apply(r.getOptions(), name, r::setOptions, r::clearOptions);
      }
    }
    m.getNestedTypeBuilderList().forEach(n -> message(n, name + "." + n.getName()));
    m.getEnumTypeBuilderList().forEach(e -> enumType(e, name + "."));
  }

  private void field(FieldDescriptorProto.Builder f, String name) {
    if (f.hasOptions()) {
      apply(f.getOptions(), name, f::setOptions, f::clearOptions);
    }
  }

  private void enumType(EnumDescriptorProto.Builder e, String prefix) {
    if (e.hasOptions()) {
      apply(e.getOptions(), prefix + e.getName(), e::setOptions, e::clearOptions);
    }
    for (EnumValueDescriptorProto.Builder v : e.getValueBuilderList()) {
      if (v.hasOptions()) {
        apply(v.getOptions(), prefix + v.getName(), v::setOptions, v::clearOptions);
      }
    }
  }
}
