package dev.kafkarest.schema;

import dev.kafkarest.format.EmbeddedFormat;
import java.util.List;
import java.util.function.Supplier;

/**
 * The optional library behind each schema format. A host that uses only binary and JSON leaves them out (they are
 * optional dependencies of kafka-rest-core); a format whose library is absent then answers a clear error naming
 * the artifact to add, and the classes that need the library are never loaded (hence lambdas, not method
 * references: a method reference would resolve its class when this enum initialises).
 */
enum SchemaLibrary {
  AVRO(EmbeddedFormat.AVRO, "org.apache.avro:avro", () -> new AvroSupport(), "org.apache.avro.Schema"),
  JSONSCHEMA(EmbeddedFormat.JSONSCHEMA, "com.networknt:json-schema-validator (2.x)", () -> new JsonSchemaSupport(),
      "com.networknt.schema.SchemaRegistry"),
  PROTOBUF(EmbeddedFormat.PROTOBUF, "com.google.protobuf:protobuf-java and com.google.protobuf:protobuf-java-util",
      () -> new ProtobufSupport(), "com.google.protobuf.DynamicMessage", "com.google.protobuf.util.JsonFormat");

  private final EmbeddedFormat format;
  private final String artifacts;
  private final Supplier<SchemaSupport<?>> support;
  private final List<String> probeClasses;

  SchemaLibrary(EmbeddedFormat format, String artifacts, Supplier<SchemaSupport<?>> support, String... probeClasses) {
    this.format = format;
    this.artifacts = artifacts;
    this.support = support;
    this.probeClasses = List.of(probeClasses);
  }

  EmbeddedFormat format() {
    return format;
  }

  /** The Maven artifacts the format needs, for error messages. */
  String artifacts() {
    return artifacts;
  }

  /** Whether the classes are there; nothing is initialised. */
  boolean isPresent() {
    for (String name : probeClasses) {
      try {
        Class.forName(name, false, SchemaLibrary.class.getClassLoader());
      } catch (ClassNotFoundException | LinkageError e) {
        return false;
      }
    }
    return true;
  }

  /** The format's support; call only when {@link #isPresent()}. */
  SchemaSupport<?> support() {
    return support.get();
  }
}
