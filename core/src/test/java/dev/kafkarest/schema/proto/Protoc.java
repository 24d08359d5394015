package dev.kafkarest.schema.proto;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.Descriptors.FileDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * protoc from Maven Central (copied to target/protoc-oracle by the build), for tests that take its descriptors
 * as the truth. Only for linux-x86_64: {@link #available()} says whether it can run here.
 */
public final class Protoc {
  static final Path ORACLE = Path.of("target", "protoc-oracle");
  private static final Path EXE = ORACLE.resolve("protoc-linux-x86_64.exe");

  private Protoc() {
  }

  public static boolean available() {
    String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch");
    return os.contains("linux") && (arch.equals("amd64") || arch.equals("x86_64")) && Files.exists(EXE)
        && (Files.isExecutable(EXE) || EXE.toFile().setExecutable(true));
  }

  /** What protoc prints and writes for {@code files} found under {@code roots}. */
  record Run(boolean ok, byte[] descriptorSet, String errors) {
  }

  static Run run(List<Path> roots, List<String> files, boolean includeImports) throws IOException,
      InterruptedException {
    Path work = Files.createTempDirectory("protoc");
    Path out = work.resolve("set.pb");
    Path err = work.resolve("err.txt");
    List<String> command = new ArrayList<>(List.of(EXE.toAbsolutePath().toString()));
    roots.forEach(r -> command.add("-I" + r.toAbsolutePath()));
    command.add("--descriptor_set_out=" + out);
    if (includeImports) {
      command.add("--include_imports");
    }
    command.addAll(files);
    Process p = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(err.toFile()).start();
    if (!p.waitFor(2, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new IllegalStateException("protoc did not finish in 2 minutes");
    }
    boolean ok = p.exitValue() == 0;
    return new Run(ok, ok ? Files.readAllBytes(out) : new byte[0], Files.readString(err));
  }

  /** Unpacks the .proto files of a jar in target/protoc-oracle under {@code root}; returns their names. */
  static List<String> extract(String jar, Path root) throws IOException {
    List<String> names = new ArrayList<>();
    try (InputStream in = Files.newInputStream(ORACLE.resolve(jar)); ZipInputStream zip = new ZipInputStream(in)) {
      for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
        if (!e.isDirectory() && e.getName().endsWith(".proto")) {
          Path target = root.resolve(e.getName());
          Files.createDirectories(target.getParent());
          Files.write(target, zip.readAllBytes());
          names.add(e.getName());
        }
      }
    }
    names.sort(null);
    return names;
  }

  /**
   * protoc's linked descriptor of {@code main} among {@code files} (name to text); the well-known types come from
   * protobuf-java's jar.
   */
  public static FileDescriptor descriptor(Map<String, String> files, String main) throws Exception {
    Path root = Files.createTempDirectory("protoc-src");
    Path wellKnown = Files.createTempDirectory("protoc-wkt");
    extract("protobuf-java.jar", wellKnown);
    for (Map.Entry<String, String> f : files.entrySet()) {
      Path p = root.resolve(f.getKey());
      Files.createDirectories(p.getParent());
      Files.writeString(p, f.getValue());
    }
    Run run = run(List.of(root, wellKnown), List.of(main), true);
    if (!run.ok()) {
      throw new IllegalArgumentException("protoc refused " + main + ": " + run.errors());
    }
    Map<String, FileDescriptor> built = new HashMap<>();
    FileDescriptor last = null;
    for (FileDescriptorProto proto : FileDescriptorSet.parseFrom(run.descriptorSet()).getFileList()) {
      // --include_imports lists every file after the files it imports.
      FileDescriptor[] deps = proto.getDependencyList().stream().map(built::get).toArray(FileDescriptor[]::new);
      last = FileDescriptor.buildFrom(proto, deps);
      built.put(proto.getName(), last);
    }
    return last;
  }
}
