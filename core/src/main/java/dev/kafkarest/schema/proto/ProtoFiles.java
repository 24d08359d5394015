package dev.kafkarest.schema.proto;

import com.google.protobuf.AnyProto;
import com.google.protobuf.ApiProto;
import com.google.protobuf.DescriptorProtos;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DurationProto;
import com.google.protobuf.EmptyProto;
import com.google.protobuf.FieldMaskProto;
import com.google.protobuf.SourceContextProto;
import com.google.protobuf.StructProto;
import com.google.protobuf.TimestampProto;
import com.google.protobuf.TypeProto;
import com.google.protobuf.WrappersProto;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Builds linked {@link FileDescriptor}s from {@code .proto} texts: the main file plus the files it imports, which
 * come from registry references (by import name) or are the well-known {@code google/protobuf/*.proto} types
 * bundled with protobuf-java.
 */
public final class ProtoFiles {
  private static final Map<String, FileDescriptor> WELL_KNOWN = Map.ofEntries(
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
      Map.entry("google/protobuf/wrappers.proto", WrappersProto.getDescriptor()));

  /** The name the main schema gets; imports never name it. */
  static final String MAIN_FILE = "kafka-rest-schema.proto";

  private final Map<String, String> sources;
  private final Map<String, FileDescriptor> built = new HashMap<>();
  private final Set<String> building = new HashSet<>();

  private ProtoFiles(Map<String, String> sources) {
    this.sources = sources;
  }

  /**
   * Parses and links {@code schema}; {@code dependencies} maps import names to their text. Throws
   * {@link ProtoParseException} or {@link IllegalArgumentException} (with a safe message) when it cannot.
   */
  public static FileDescriptor build(String schema, Map<String, String> dependencies) {
    Map<String, String> sources = new HashMap<>(dependencies);
    sources.put(MAIN_FILE, schema);
    return new ProtoFiles(sources).file(MAIN_FILE);
  }

  private FileDescriptor file(String name) {
    FileDescriptor done = built.get(name);
    if (done != null) {
      return done;
    }
    FileDescriptor wellKnown = WELL_KNOWN.get(name);
    if (wellKnown != null && !sources.containsKey(name)) {
      return wellKnown;
    }
    String text = sources.get(name);
    if (text == null) {
      throw new IllegalArgumentException("import \"" + shorten(name) + "\" is neither a schema reference "
          + "nor a well-known type");
    }
    if (!building.add(name)) {
      throw new IllegalArgumentException("import cycle through \"" + shorten(name) + "\"");
    }
    FileDescriptorProto proto = ProtoParser.parse(text, name);
    FileDescriptor[] deps = new FileDescriptor[proto.getDependencyCount()];
    for (int i = 0; i < deps.length; i++) {
      deps[i] = file(proto.getDependency(i));
    }
    try {
      FileDescriptor descriptor = FileDescriptor.buildFrom(proto, deps);
      built.put(name, descriptor);
      building.remove(name);
      return descriptor;
    } catch (DescriptorValidationException e) {
      throw new IllegalArgumentException(e.getMessage());
    }
  }

  private static String shorten(String s) {
    return s.length() > 60 ? s.substring(0, 60) + "..." : s.replaceAll("\\p{Cntrl}", "?");
  }
}
