package dev.kafkarest.schema;

import java.util.List;

/**
 * A schema as the registry stores it: type ({@code AVRO}, {@code JSON} or {@code PROTOBUF}), text and references.
 * Two values are equal when the registry would treat them as the same registration request.
 */
public record RegistrySchema(String schemaType, String schema, List<SchemaReference> references) {
  public static final String AVRO = "AVRO";
  public static final String JSON = "JSON";
  public static final String PROTOBUF = "PROTOBUF";

  public RegistrySchema {
    schemaType = schemaType == null ? AVRO : schemaType;
    references = references == null ? List.of() : List.copyOf(references);
  }

  public static RegistrySchema of(String schemaType, String schema) {
    return new RegistrySchema(schemaType, schema, List.of());
  }
}
