package dev.kafkarest.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.kafkarest.error.Errors;
import dev.kafkarest.format.EmbeddedFormat;
import dev.kafkarest.http.Json;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;

/**
 * JSON Schema: the document is validated on produce and written as compact UTF-8 JSON after the header.
 * Schemas without {@code $schema} are read as draft-07, Confluent's default. A {@code $ref} resolves to a registry
 * reference of that name; remote {@code $ref}s are never fetched: a schema must not make the proxy call URLs.
 */
public final class JsonSchemaSupport implements SchemaSupport<Schema> {
  private final SchemaRegistry validators = validators(Map.of());

  /** Referenced schemas are served from memory under their reference names, which {@code $ref}s use. */
  private static SchemaRegistry validators(Map<String, String> references) {
    return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7,
        b -> b.schemas(references).schemaLoader(loader -> loader.fetchRemoteResources(false)));
  }

  @Override
  public EmbeddedFormat format() {
    return EmbeddedFormat.JSONSCHEMA;
  }

  @Override
  public String schemaType() {
    return RegistrySchema.JSON;
  }

  @Override
  public Schema parse(String schema, Map<String, String> dependencies) {
    JsonNode node;
    try {
      node = Json.MAPPER.readTree(schema);
    } catch (IOException e) {
      throw new InvalidSchemaException("the schema is not valid JSON");
    }
    if (node == null || !(node.isObject() || node.isBoolean())) {
      throw new InvalidSchemaException("a JSON Schema must be a JSON object or boolean");
    }
    try {
      Schema parsed = (dependencies.isEmpty() ? validators : validators(dependencies)).getSchema(node);
      parsed.initializeValidators();
      return parsed;
    } catch (RuntimeException e) {
      throw new InvalidSchemaException(e.getMessage());
    }
  }

  @Override
  public String recordName(Schema schema) {
    JsonNode title = schema.getSchemaNode().path("title");
    if (!title.isTextual() || title.asText().isBlank()) {
      throw new InvalidSchemaException("a record-name subject strategy needs a JSON Schema title");
    }
    return title.asText();
  }

  @Override
  public boolean acceptsNull(Schema schema) {
    return schema.validate(Json.MAPPER.nullNode()).isEmpty();
  }

  @Override
  public byte[] serialize(Schema schema, JsonNode data) {
    List<Error> errors;
    try {
      errors = schema.validate(data);
    } catch (RuntimeException e) {
      throw Errors.badRequest("JSON document could not be validated against the schema.");
    }
    if (!errors.isEmpty()) {
      throw Errors.badRequest("JSON document does not match the schema: "
          + InvalidSchemaException.bound(errors.get(0).toString())
          + (errors.size() > 1 ? " (and " + (errors.size() - 1) + " more)" : ""));
    }
    return Json.bytes(data);
  }

  @Override
  public String toJson(Schema schema, ByteBuffer payload) {
    byte[] bytes = new byte[payload.remaining()];
    payload.get(bytes);
    try {
      JsonNode node = Json.MAPPER.readTree(bytes);
      if (node == null || node.isMissingNode()) {
        throw new SerializationException("JSON Schema payload is empty");
      }
    } catch (IOException e) {
      throw new SerializationException("JSON Schema payload is not valid JSON");
    }
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
