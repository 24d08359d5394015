package dev.kafkarest.format;

/** The {@code key_schema}, {@code key_schema_id}, {@code value_schema} and {@code value_schema_id} of a request. */
public record SchemaSelection(String keySchema, Integer keySchemaId, String valueSchema, Integer valueSchemaId) {
  public static final SchemaSelection NONE = new SchemaSelection(null, null, null, null);
}
