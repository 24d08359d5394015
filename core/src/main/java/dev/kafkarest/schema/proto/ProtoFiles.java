package dev.kafkarest.schema.proto;

import com.google.protobuf.AnyProto;
import com.google.protobuf.ApiProto;
import com.google.protobuf.DescriptorProtos;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DurationProto;
import com.google.protobuf.EmptyProto;
import com.google.protobuf.FieldMaskProto;
import com.google.protobuf.SourceContextProto;
import com.google.protobuf.StructProto;
import com.google.protobuf.TimestampProto;
import com.google.protobuf.TypeProto;
import com.google.protobuf.WrappersProto;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Builds linked {@link FileDescriptor}s from {@code .proto} texts: the main file plus the files it imports, which
 * come from registry references (by import name) or are the well-known {@code google/protobuf/*.proto} types
 * bundled with protobuf-java. Each file goes as through protoc: parse, resolve names, interpret options (those
 * naming the file's own extensions after a first build of it), check protoc's rules, link.
 */
public final class ProtoFiles {
  private static final Map<String, FileDescriptor> WELL_KNOWN = wellKnown();

  private static Map<String, FileDescriptor> wellKnown() {
    Map<String, FileDescriptor> m = new HashMap<>(Map.ofEntries(
        Map.entry("google/protobuf/any.proto", AnyProto.getDescriptor()),
        Map.entry("google/protobuf/api.proto", ApiProto.getDescriptor()),
        Map.entry("google/protobuf/descriptor.proto", DescriptorProtos.getDescriptor()),
        Map.entry("google/protobuf/duration.proto", DurationProto.getDescriptor()),
        Map.entry("google/protobuf/empty.proto", EmptyProto.getDescriptor()),
        Map.entry("google/protobuf/field_mask.proto", FieldMaskProto.getDescriptor()),
        Map.entry("google/protobuf/source_context.proto", SourceContextProto.getDescriptor()),
        Map.entry("google/protobuf/struct.proto", StructProto.getDescriptor()),
        Map.entry("google/protobuf/timestamp.proto", TimestampProto.getDescriptor()),
        Map.entry("google/protobuf/type.proto", TypeProto.getDescriptor()),
        Map.entry("google/protobuf/wrappers.proto", WrappersProto.getDescriptor())));
    FileDescriptor javaFeatures = ProtoEditions.javaFeatures();
    if (javaFeatures != null) {
      m.put("google/protobuf/java_features.proto", javaFeatures);
    }
    return Map.copyOf(m);
  }

  /** The name the main schema gets; imports never name it. */
  static final String MAIN_FILE = "kafka-rest-schema.proto";

  private final Function<String, String> sources;
  private final Map<String, FileDescriptor> built = new HashMap<>();
  /** Per built file, the types other files may not use (edition 2024 visibility). */
  private final Map<String, Set<String>> localTypes = new HashMap<>();
  private final Set<String> building = new HashSet<>();

  ProtoFiles(Function<String, String> sources) {
    this.sources = sources;
  }

  /**
   * Parses and links {@code schema}; {@code dependencies} maps import names to their text. Throws
   * {@link ProtoParseException} (naming the file, and the line and column where known) when it cannot.
   */
  public static FileDescriptor build(String schema, Map<String, String> dependencies) {
    Map<String, String> sources = new HashMap<>(dependencies);
    sources.put(MAIN_FILE, schema);
    return new ProtoFiles(sources::get).file(MAIN_FILE, null);
  }

  FileDescriptor file(String name, String importedBy) {
    FileDescriptor done = built.get(name);
    if (done != null) {
      return done;
    }
    String text = sources.apply(name);
    FileDescriptor wellKnown = WELL_KNOWN.get(name);
    if (wellKnown != null && text == null) {
      return wellKnown;
    }
    if (text == null) {
      throw new ProtoParseException("import \"" + shorten(name) + "\" is neither a schema reference nor a "
          + "well-known type", importedBy == null ? shorten(name) : importedBy);
    }
    if (!building.add(name)) {
      throw new ProtoParseException("import cycle through \"" + shorten(name) + "\"",
          importedBy == null ? shorten(name) : importedBy);
    }
    ProtoParser.Parsed parsed = ProtoParser.parseWithPositions(text, name);
    FileDescriptorProto.Builder proto = parsed.proto().toBuilder();
    List<FileDescriptor> deps = new ArrayList<>();
    for (String dependency : proto.getDependencyList()) {
      if (sources.apply(dependency) == null && !WELL_KNOWN.containsKey(dependency)) {
        ProtoTokenizer.Token at = parsed.positions().get("import:" + dependency);
        throw new ProtoParseException("import \"" + shorten(dependency) + "\" is neither a schema reference nor a "
            + "well-known type", name, at.line(), at.column());
      }
      deps.add(file(dependency, name));
    }
    List<FileDescriptor> withOptionDeps = new ArrayList<>(deps);
    for (String dependency : ProtoEditions.optionDependencies(proto.build())) {
      withOptionDeps.add(file(dependency, name));
    }
    Set<String> hidden = new HashSet<>();
    Deque<FileDescriptor> visible = new ArrayDeque<>(withOptionDeps);
    while (!visible.isEmpty()) {
      FileDescriptor dep = visible.pop();
      hidden.addAll(localTypes.getOrDefault(dep.getName(), Set.of()));
      visible.addAll(dep.getPublicDependencies());
    }
    ProtoSymbols symbols = ProtoLinker.resolve(proto, parsed.positions(), withOptionDeps, hidden);
    Map<String, FieldDescriptor> extensions = extensionsOf(withOptionDeps);
    List<FileDescriptor> visibleFiles = allFiles(withOptionDeps);
    ProtoOptions firstPass = new ProtoOptions(symbols, extensions, visibleFiles, name, false);
    ProtoOptionsWalk.interpret(proto, firstPass);
    FileDescriptor[] depArray = deps.toArray(new FileDescriptor[0]);
    FileDescriptor descriptor = link(proto.build(), depArray, parsed.positions());
    if (firstPass.waiting > 0) {
      addExtensions(descriptor, extensions);
      visibleFiles.add(descriptor);
      ProtoOptionsWalk.interpret(proto, new ProtoOptions(symbols, extensions, visibleFiles, name, true));
      descriptor = link(proto.build(), depArray, parsed.positions());
    }
    ProtoChecks.check(proto.build(), descriptor, parsed.positions());
    built.put(name, descriptor);
    localTypes.put(name, ProtoVisibility.localTypes(parsed.proto()));
    building.remove(name);
    return descriptor;
  }

  private static FileDescriptor link(FileDescriptorProto proto, FileDescriptor[] deps,
      Map<String, ProtoTokenizer.Token> positions) {
    try {
      return FileDescriptor.buildFrom(proto, deps);
    } catch (DescriptorValidationException e) {
      // protobuf-java names the element; the parser knows where it was declared.
      String symbol = e.getProblemSymbolName();
      ProtoTokenizer.Token at = symbol == null ? null : positions.get(symbol);
      String message = e.getDescription() + (at == null && symbol != null && !symbol.isEmpty()
          ? " (" + symbol + ")" : "");
      throw at == null ? new ProtoParseException(message, proto.getName())
          : new ProtoParseException(message, proto.getName(), at.line(), at.column());
    }
  }

  /** Every extension in {@code files} and everything they import, by full name. */
  private static Map<String, FieldDescriptor> extensionsOf(List<FileDescriptor> files) {
    Map<String, FieldDescriptor> out = new HashMap<>();
    allFiles(files).forEach(f -> addExtensions(f, out));
    return out;
  }

  /** {@code files} and everything they import. */
  private static List<FileDescriptor> allFiles(List<FileDescriptor> files) {
    Set<FileDescriptor> seen = new java.util.LinkedHashSet<>();
    Deque<FileDescriptor> todo = new ArrayDeque<>(files);
    while (!todo.isEmpty()) {
      FileDescriptor f = todo.pop();
      if (seen.add(f)) {
        todo.addAll(f.getDependencies());
      }
    }
    return new ArrayList<>(seen);
  }

  private static void addExtensions(FileDescriptor f, Map<String, FieldDescriptor> out) {
    f.getExtensions().forEach(x -> out.put(x.getFullName(), x));
    Deque<Descriptor> messages = new ArrayDeque<>(f.getMessageTypes());
    while (!messages.isEmpty()) {
      Descriptor m = messages.pop();
      m.getExtensions().forEach(x -> out.put(x.getFullName(), x));
      messages.addAll(m.getNestedTypes());
    }
  }

  private static String shorten(String s) {
    return s.length() > 60 ? s.substring(0, 60) + "..." : s.replaceAll("\\p{Cntrl}", "?");
  }
}
