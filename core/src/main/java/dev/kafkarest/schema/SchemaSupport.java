package dev.kafkarest.schema;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kafkarest.format.EmbeddedFormat;
import java.nio.ByteBuffer;
import java.util.Map;

/**
 * What differs between Avro, JSON Schema and Protobuf: parsing a schema, JSON to payload bytes and back.
 * {@link SchemaFormat} does the rest (registry, caches, wire header) once for all three.
 *
 * @param <S> the parsed schema
 */
public interface SchemaSupport<S> {
  EmbeddedFormat format();

  /** The registry's {@code schemaType}: AVRO, JSON or PROTOBUF. */
  String schemaType();

  /**
   * Parses schema text. {@code dependencies} are the referenced schemas by import name, each after its own
   * dependencies. Throws {@link InvalidSchemaException} for a schema that does not parse.
   */
  S parse(String schema, Map<String, String> dependencies);

  /**
   * The fully qualified record name, for the record-name subject strategies: Avro full name, first protobuf
   * message, JSON Schema {@code title}. Throws {@link InvalidSchemaException} when the schema has none.
   */
  String recordName(S schema);

  /** Whether a JSON null is valid data for the schema (it is then written as a Kafka null, as Confluent does). */
  boolean acceptsNull(S schema);

  /** The payload after the 5-byte header for JSON data; a {@code RestException} (400) when it does not match. */
  byte[] serialize(S schema, JsonNode data);

  /** The JSON form of a payload ({@code payload} is positioned after the header); SerializationException if bad. */
  String toJson(S schema, ByteBuffer payload);
}
