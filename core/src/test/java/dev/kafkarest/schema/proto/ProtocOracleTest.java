package dev.kafkarest.schema.proto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.TextFormat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * protoc is the oracle: for every file of each corpus the parser's descriptor must be the one protoc writes with
 * {@code --descriptor_set_out} (less source_code_info and the json_name protoc fills in), and the broken files
 * must be refused by both. The corpora are .proto files shipped in jars on Maven Central (copied to
 * target/protoc-oracle by the build) and the edge cases under src/test/resources/proto-oracle.
 */
class ProtocOracleTest {
  private static final Path EDGE = Path.of("src", "test", "resources", "proto-oracle");

  @TempDir
  static Path work;
  static Path jarRoot;

  @BeforeAll
  static void setUp() throws IOException {
    assumeTrue(Protoc.available(), "protoc from Maven Central runs on linux-x86_64 only (and is fetched by Maven)");
    jarRoot = Files.createDirectories(work.resolve("jars"));
    extract("protobuf-java.jar"); // the well-known types every corpus may import
  }

  @Test
  void wellKnownTypesOfProtobufJava() throws Exception {
    compare("protobuf-java", extract("protobuf-java.jar"), List.of(jarRoot));
  }

  @Test
  void googleCommonProtos() throws Exception {
    compare("proto-google-common-protos", extract("proto-google-common-protos.jar"), List.of(jarRoot));
  }

  @Test
  void openTelemetryProtos() throws Exception {
    compare("opentelemetry-proto", extract("opentelemetry-proto.jar"), List.of(jarRoot));
  }

  @Test
  void googleCloudPubSubProtos() throws Exception {
    extract("proto-google-common-protos.jar");
    compare("proto-google-cloud-pubsub-v1", extract("proto-google-cloud-pubsub-v1.jar"), List.of(jarRoot));
  }

  @Test
  void grpcProtos() throws Exception {
    List<String> files = new ArrayList<>(extract("grpc-services.jar"));
    files.addAll(extract("grpc-testing-proto.jar"));
    compare("grpc-services + grpc-testing-proto", files, List.of(jarRoot));
  }

  @Test
  void protovalidateRules() throws Exception {
    compare("protovalidate", extract("protovalidate.jar"), List.of(jarRoot));
  }

  @Test
  void edgeCases() throws Exception {
    Path root = EDGE.resolve("valid");
    List<String> files;
    try (Stream<Path> s = Files.walk(root)) {
      files = s.filter(p -> p.toString().endsWith(".proto")).map(p -> root.relativize(p).toString()).sorted()
          .toList();
    }
    extract("protobuf-java.jar");
    compare("edge cases", files, List.of(root, jarRoot));
  }

  @Test
  void brokenFilesAreRefusedByBoth() throws Exception {
    Path root = EDGE.resolve("invalid");
    List<String> files;
    try (Stream<Path> s = Files.list(root)) {
      files = s.map(p -> root.relativize(p).toString()).filter(p -> p.endsWith(".proto")).sorted().toList();
    }
    extract("protobuf-java.jar");
    List<String> wrong = new ArrayList<>();
    for (String file : files) {
      // Valid files the broken ones import are in invalid-deps.
      List<Path> roots = List.of(root, EDGE.resolve("invalid-deps"), jarRoot);
      Protoc.Run r = protoc(roots, List.of(file));
      String ours = refusal(file, roots);
      if (r.ok() || ours == null) {
        wrong.add(file + ": protoc " + (r.ok() ? "accepted" : "refused") + ", parser "
            + (ours == null ? "accepted" : "refused"));
      } else if (!ours.matches("(?s)[\\w/.-]+\\.proto:\\d+:\\d+: .*")
          || file.startsWith("imports_") != !ours.startsWith(file + ":")) {
        wrong.add(file + ": the parser's message does not name the file (and line) with the error: " + ours);
      }
      System.out.println("[oracle] broken " + file + "\n  protoc: " + r.errors().strip().lines().findFirst()
          .orElse("") + "\n  parser: " + ours);
    }
    System.out.printf("[oracle] broken files: %d, refused by both: %d%n", files.size(), files.size() - wrong.size());
    assertTrue(wrong.isEmpty(), String.join("\n", wrong));
    assertTrue(files.size() > 10, "the broken corpus is there");
  }

  private static String refusal(String file, List<Path> roots) {
    try {
      new ProtoFiles(name -> read(roots, name)).file(file, null);
      return null;
    } catch (ProtoParseException | IllegalArgumentException e) {
      return e.getMessage();
    }
  }

  private static void compare(String corpus, List<String> files, List<Path> roots) throws Exception {
    Protoc.Run r = protoc(roots, files);
    assertTrue(r.ok(), corpus + ": protoc refused the corpus: " + r.errors());
    Map<String, FileDescriptorProto> expected = new LinkedHashMap<>();
    for (FileDescriptorProto f : FileDescriptorSet.parseFrom(r.descriptorSet()).getFileList()) {
      expected.put(f.getName(), normalize(f));
    }
    ProtoFiles ours = new ProtoFiles(name -> read(roots, name));
    long started = System.nanoTime();
    int same = 0;
    List<String> differing = new ArrayList<>();
    List<String> refused = new ArrayList<>();
    for (String file : files) {
      FileDescriptorProto actual;
      try {
        actual = normalize(ours.file(file, null).toProto());
      } catch (ProtoParseException | IllegalArgumentException e) {
        refused.add(file + ": " + e.getMessage());
        continue;
      }
      if (actual.equals(expected.get(file))) {
        same++;
      } else {
        differing.add(file + ":\n" + firstDifference(expected.get(file), actual));
      }
    }
    System.out.printf("[oracle] %s: %d files, parsed-identical %d, differing %d, refused %d (parsed in %d ms)%n",
        corpus, files.size(), same, differing.size(), refused.size(), (System.nanoTime() - started) / 1_000_000);
    differing.forEach(d -> System.out.println("[oracle] differs " + d));
    refused.forEach(d -> System.out.println("[oracle] refused " + d));
    assertTrue(files.size() > 0, corpus + " is empty");
    assertEquals(List.of(), differing, corpus + ": descriptors that differ from protoc's");
    assertEquals(List.of(), refused, corpus + ": valid files refused");
  }

  private static String firstDifference(FileDescriptorProto expected, FileDescriptorProto actual) {
    List<String> e = TextFormat.printer().printToString(expected).lines().toList();
    List<String> a = TextFormat.printer().printToString(actual).lines().toList();
    for (int i = 0; i < Math.max(e.size(), a.size()); i++) {
      String el = i < e.size() ? e.get(i) : "<end>";
      String al = i < a.size() ? a.get(i) : "<end>";
      if (!el.equals(al)) {
        StringBuilder context = new StringBuilder();
        for (int j = Math.max(0, i - 3); j < i; j++) {
          context.append("    ").append(e.get(j)).append('\n');
        }
        return context + "  protoc: " + el + "\n  parser: " + al;
      }
    }
    return "  (same text, different unknown fields or bytes)";
  }

  /** protoc fills in json_name everywhere and source_code_info on request: neither is the parser's job. */
  static FileDescriptorProto normalize(FileDescriptorProto file) {
    FileDescriptorProto.Builder b = file.toBuilder().clearSourceCodeInfo();
    b.getMessageTypeBuilderList().forEach(ProtocOracleTest::normalize);
    b.getExtensionBuilderList().forEach(FieldDescriptorProto.Builder::clearJsonName);
    return b.build();
  }

  private static void normalize(DescriptorProto.Builder m) {
    m.getFieldBuilderList().forEach(FieldDescriptorProto.Builder::clearJsonName);
    m.getExtensionBuilderList().forEach(FieldDescriptorProto.Builder::clearJsonName);
    m.getNestedTypeBuilderList().forEach(ProtocOracleTest::normalize);
  }

  private static String read(List<Path> roots, String name) {
    for (Path root : roots) {
      Path p = root.resolve(name);
      if (Files.isRegularFile(p)) {
        try {
          return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      }
    }
    return null;
  }

  private static List<String> extract(String jar) throws IOException {
    return Protoc.extract(jar, jarRoot);
  }

  private static Protoc.Run protoc(List<Path> roots, List<String> files) throws Exception {
    return Protoc.run(roots, files, false);
  }
}
