package dev.kafkarest.schema;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kafkarest.error.Errors;
import dev.kafkarest.error.RestException;
import dev.kafkarest.format.RecordEncoder;

/** Encodes the records of one produce request with the key and value schemas resolved for it (either may be null). */
final class SchemaEncoder<S> implements RecordEncoder {
  private final SchemaSupport<S> support;
  private final SchemaFormat.Resolved<S> key;
  private final SchemaFormat.Resolved<S> value;

  SchemaEncoder(SchemaSupport<S> support, SchemaFormat.Resolved<S> key, SchemaFormat.Resolved<S> value) {
    this.support = support;
    this.key = key;
    this.value = value;
  }

  @Override
  public byte[] encode(Object parsed, boolean isKey) {
    SchemaFormat.Resolved<S> resolved = isKey ? key : value;
    if (parsed == null) {
      // Confluent's serializers turn a null datum into a Kafka null; the schema must allow null, though.
      if (resolved != null && !support.acceptsNull(resolved.schema())) {
        throw Errors.badRequest((isKey ? "key" : "value") + " is null, but the schema does not accept null.");
      }
      return null;
    }
    if (resolved == null) {
      throw isKey
          ? new RestException(Errors.UNPROCESSABLE, Errors.KEY_SCHEMA_MISSING,
              "Request includes keys but does not include key schema")
          : new RestException(Errors.UNPROCESSABLE, Errors.VALUE_SCHEMA_MISSING,
              "Request includes values but does not include value schema");
    }
    return WireFormat.frame(resolved.id(), support.serialize(resolved.schema(), (JsonNode) parsed));
  }

  @Override
  public Integer keySchemaId() {
    return key == null ? null : key.id();
  }

  @Override
  public Integer valueSchemaId() {
    return value == null ? null : value.id();
  }
}
