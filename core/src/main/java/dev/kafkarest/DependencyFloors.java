package dev.kafkarest;

import dev.kafkarest.kafka.ClientVersion;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.jar.Manifest;

/**
 * The oldest version of each library shared with the host that this release is tested with (the compat-floors
 * build runs the whole contract at these versions). {@link KafkaRest} refuses to start on anything older, with
 * one message naming what it found, instead of failing later with a {@code NoSuchMethodError} inside a request.
 * Versions are compared on major.minor; a version that cannot be read (a repackaged jar) is not held against it.
 */
final class DependencyFloors {
  /** One library: its Maven coordinates, the oldest supported major.minor, and how to read what is installed. */
  record Floor(String artifact, String minimum, boolean optional, Supplier<String> installed) {}

  static final List<Floor> FLOORS = List.of(
      new Floor("com.fasterxml.jackson.core:jackson-core", "2.15", false,
          () -> com.fasterxml.jackson.core.json.PackageVersion.VERSION.toString()),
      new Floor("com.fasterxml.jackson.core:jackson-databind", "2.15", false,
          () -> com.fasterxml.jackson.databind.cfg.PackageVersion.VERSION.toString()),
      new Floor("org.apache.kafka:kafka-clients", "3.7", false, ClientVersion::version),
      new Floor("org.slf4j:slf4j-api", "1.7", false, () -> bundleVersion("org.slf4j.Logger", "slf4j.api")),
      new Floor("org.apache.avro:avro", "1.11", true, () -> bundleVersion("org.apache.avro.Schema", "avro")),
      new Floor("com.google.protobuf:protobuf-java", "3.25", true,
          () -> bundleVersion("com.google.protobuf.Message", "com.google.protobuf")),
      new Floor("com.google.protobuf:protobuf-java-util", "3.25", true,
          () -> bundleVersion("com.google.protobuf.util.JsonFormat", "com.google.protobuf.util")),
      new Floor("com.networknt:json-schema-validator", "2.0", true,
          () -> bundleVersion("com.networknt.schema.Schema", "com.networknt.json-schema-validator")),
      // Read from the jar's manifest, so checking loads no Micrometer class.
      new Floor("io.micrometer:micrometer-core", "1.14", true,
          () -> bundleVersion("io.micrometer.core.instrument.MeterRegistry", "micrometer-core")));

  private DependencyFloors() {}

  /** Throws {@link IllegalStateException} naming every library below its floor. */
  static void check() {
    List<String> problems = problems(installedVersions());
    if (!problems.isEmpty()) {
      throw new IllegalStateException("kafka-rest cannot start: " + String.join("; ", problems)
          + ". Align the application's dependency versions (see the compatibility table in kafka-rest's README).");
    }
  }

  /** What is installed, by artifact; absent libraries are left out, unreadable versions map to null. */
  static Map<String, String> installedVersions() {
    Map<String, String> found = new LinkedHashMap<>();
    for (Floor floor : FLOORS) {
      try {
        found.put(floor.artifact(), floor.installed().get());
      } catch (LinkageError e) {
        if (!floor.optional()) {
          found.put(floor.artifact(), "none");
        }
      }
    }
    return found;
  }

  /** One sentence per library in {@code installed} that is below its floor. */
  static List<String> problems(Map<String, String> installed) {
    List<String> problems = new ArrayList<>();
    for (Floor floor : FLOORS) {
      String version = installed.get(floor.artifact());
      if (installed.containsKey(floor.artifact()) && !atLeast(version, floor.minimum())) {
        problems.add(floor.artifact() + " " + version + " is on the classpath, and " + floor.minimum()
            + " or newer is needed");
      }
    }
    return problems;
  }

  /** Compares the numeric prefix of each dotted part; an unreadable version passes. */
  static boolean atLeast(String version, String minimum) {
    if (version == null || version.isBlank() || version.equals("unknown")) {
      return true;
    }
    if (version.equals("none")) {
      return false;
    }
    String[] have = version.split("\\.");
    String[] need = minimum.split("\\.");
    for (int i = 0; i < need.length; i++) {
      int h = i < have.length ? leadingNumber(have[i]) : 0;
      int n = Integer.parseInt(need[i]);
      if (h != n) {
        return h > n;
      }
    }
    return true;
  }

  private static int leadingNumber(String part) {
    int end = 0;
    while (end < part.length() && Character.isDigit(part.charAt(end))) {
      end++;
    }
    return end == 0 ? 0 : Integer.parseInt(part.substring(0, Math.min(end, 9)));
  }

  /**
   * The OSGi {@code Bundle-Version} in the manifest of the jar that holds {@code className}, when that manifest
   * is the library's own ({@code Bundle-SymbolicName} matches); null when it cannot be told.
   */
  static String bundleVersion(String className, String symbolicName) {
    try (InputStream in = openInJarOf(className, "META-INF/MANIFEST.MF")) {
      if (in == null) {
        return null;
      }
      var attributes = new Manifest(in).getMainAttributes();
      String name = attributes.getValue("Bundle-SymbolicName");
      if (name == null || !name.split(";")[0].trim().equals(symbolicName)) {
        return null;
      }
      return attributes.getValue("Bundle-Version");
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * An entry of the jar that holds {@code className}, or null when the class is not in a jar.
   * Throws {@link NoClassDefFoundError} when the class is absent.
   */
  private static InputStream openInJarOf(String className, String entry) throws IOException {
    String resource = className.replace('.', '/') + ".class";
    URL url = DependencyFloors.class.getClassLoader().getResource(resource);
    if (url == null) {
      throw new NoClassDefFoundError(className);
    }
    String text = url.toString();
    if (!text.endsWith(resource) || !text.startsWith("jar:")) {
      return null;
    }
    try {
      return new URL(text.substring(0, text.length() - resource.length()) + entry).openStream();
    } catch (java.io.FileNotFoundException e) {
      return null;
    }
  }
}
