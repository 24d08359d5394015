package dev.kafkarest.format;

/** Encodes the keys and values of one produce request, with the schemas resolved for it. */
public interface RecordEncoder {
  /** Kafka bytes for a parsed key or value; {@code parsed} is null for a JSON null. */
  byte[] encode(Object parsed, boolean isKey);

  /** The key schema id used, or null when the request used none. */
  default Integer keySchemaId() {
    return null;
  }

  default Integer valueSchemaId() {
    return null;
  }
}
