package dev.kafkarest.endpoint.v3;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kafkarest.endpoint.JsonBody;
import dev.kafkarest.error.Errors;
import dev.kafkarest.error.RestException;
import dev.kafkarest.http.UnicodeText;
import dev.kafkarest.schema.SubjectNameStrategy;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * One v3 record as a client sent it (Confluent's ProduceRequest): checked for shape and for the combinations
 * Confluent refuses, nothing encoded yet. Shape errors are 400, as Jackson mapping errors are upstream.
 *
 * @param key null when absent (a null key; no "key" in the answer)
 */
record ProduceRecord(String id, Integer partitionId, List<Header> headers, Data key, Data value, Instant timestamp) {
  static final Set<String> FIELDS = Set.of("partition_id", "headers", "key", "value", "timestamp");
  static final Set<String> BATCH_FIELDS = Set.of("id", "partition_id", "headers", "key", "value", "timestamp");
  private static final Set<String> DATA_FIELDS =
      Set.of("type", "subject", "subject_name_strategy", "schema_id", "schema_version", "schema", "data");

  /** A Kafka header; {@code value} null for a JSON null. */
  record Header(String name, byte[] value) {}

  /** The data types of v3; the last three go through Schema Registry. */
  enum Type {
    BINARY, JSON, STRING, AVRO, JSONSCHEMA, PROTOBUF;

    boolean needsSchema() {
      return this == AVRO || this == JSONSCHEMA || this == PROTOBUF;
    }
  }

  /** A key or value (Confluent's ProduceRequestData); {@code type} null means "from Schema Registry". */
  record Data(Type type, String subject, SubjectNameStrategy strategy, Integer schemaId, Integer schemaVersion,
              String schema, JsonNode data) {}

  /**
   * Reads one record object. {@code unknownField} makes the error for a field not in {@code allowed}: 400 in a
   * stream (Jackson's mapping error), 422 in a batch (the JSON provider's "Unrecognized field").
   */
  static ProduceRecord of(JsonNode node, Set<String> allowed, Function<String, RestException> unknownField) {
    if (!node.isObject()) {
      throw Errors.badRequest("a record must be a JSON object.");
    }
    checkFields(node, allowed, unknownField);
    UnicodeText.check(node);
    JsonNode id = node.get("id");
    return new ProduceRecord(
        id == null || id.isNull() ? null : id.isTextual() ? id.textValue() : id.toString(),
        integer(node, "partition_id"),
        headers(node.get("headers"), unknownField),
        data(node.get("key"), unknownField),
        data(node.get("value"), unknownField),
        timestamp(node.get("timestamp")));
  }

  private static void checkFields(JsonNode node, Set<String> allowed, Function<String, RestException> unknown) {
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!allowed.contains(name)) {
        throw unknown.apply(name);
      }
    }
  }

  private static List<Header> headers(JsonNode node, Function<String, RestException> unknown) {
    if (node == null || node.isNull()) {
      return List.of();
    }
    if (!node.isArray()) {
      throw Errors.badRequest("headers must be an array.");
    }
    List<Header> headers = new ArrayList<>(node.size());
    for (JsonNode h : node) {
      if (!h.isObject()) {
        throw Errors.badRequest("each header must be an object.");
      }
      checkFields(h, Set.of("name", "value"), unknown);
      JsonNode name = h.get("name");
      if (name == null || !name.isTextual()) {
        throw Errors.badRequest("a header name must be a string.");
      }
      JsonNode value = h.get("value");
      headers.add(new Header(name.textValue(), value == null || value.isNull() ? null : base64(value, "header value")));
    }
    return headers;
  }

  private static Data data(JsonNode node, Function<String, RestException> unknown) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isObject()) {
      throw Errors.badRequest("key and value must be objects with a \"data\" field.");
    }
    checkFields(node, DATA_FIELDS, unknown);
    Data d = new Data(type(node.get("type")), JsonBody.text(node, "subject"), strategy(node.get("subject_name_strategy")),
        integer(node, "schema_id"), integer(node, "schema_version"), JsonBody.text(node, "schema"), node.get("data"));
    check(d.strategy() == null || d.subject() == null, "Only one of 'subject_name_strategy' or 'subject' can be used.");
    check(d.schemaId() != null ? d.schemaVersion() == null && d.schema() == null
            : d.schemaVersion() == null || d.schema() == null,
        "Only one of 'schema_id', 'schema_version' or 'schema' can be used.");
    if (d.type() != null && d.type().needsSchema()) {
      check(d.schemaId() == null, "'schema_id=" + d.schemaId() + "' cannot be used with 'serializer'.");
      check(d.schemaVersion() == null, "'schema_version=" + d.schemaVersion() + "' cannot be used with 'serializer'.");
      check(d.schema() != null, "'schema_version=latest' cannot be used with 'serializer'.");
    } else if (d.type() != null) {
      check(d.strategy() == null, "'type=" + d.type() + "' cannot be used with 'subject_strategy'.");
      check(d.subject() == null, "'type=" + d.type() + "' cannot be used with 'subject'.");
      check(d.schemaId() == null, "'type=" + d.type() + "' cannot be used with 'schema_id'.");
      check(d.schemaVersion() == null, "'type=" + d.type() + "' cannot be used with 'schema_version'.");
      check(d.schema() == null, "'type=" + d.type() + "' cannot be used with 'schema'.");
    } else {
      check(d.schema() == null, "Unsupported argument: a raw 'schema' needs a 'type'.");
    }
    return d;
  }

  private static void check(boolean condition, String message) {
    if (!condition) {
      throw Errors.malformedJson(message);
    }
  }

  private static Type type(JsonNode node) {
    if (node == null || node.isNull()) {
      return null;
    }
    try {
      return Type.valueOf(node.asText().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw Errors.badRequest("type=" + Errors.quote(node.asText()) + " is not a known data type.");
    }
  }

  private static SubjectNameStrategy strategy(JsonNode node) {
    if (node == null || node.isNull()) {
      return null;
    }
    try {
      return SubjectNameStrategy.valueOf(node.asText().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw Errors.badRequest("subject_name_strategy=" + Errors.quote(node.asText()) + " is not known.");
    }
  }

  private static Integer integer(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isIntegralNumber() || !v.canConvertToInt()) {
      throw Errors.badRequest(field + " must be a 32-bit integer.");
    }
    return v.intValue();
  }

  /** ISO-8601 text, or a number of seconds since the epoch (what Jackson's Instant reader accepts). */
  private static Instant timestamp(JsonNode node) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (node.isNumber()) {
      return Instant.ofEpochMilli(node.decimalValue().movePointRight(3).longValue());
    }
    try {
      return Instant.parse(node.asText());
    } catch (DateTimeParseException e) {
      throw Errors.badRequest("timestamp=" + Errors.quote(node.asText()) + " is not an ISO-8601 instant.");
    }
  }

  /** Strict base64 (padded, no whitespace), as Guava's decoder upstream. */
  static byte[] base64(JsonNode node, String what) {
    if (node.isTextual() && node.textValue().length() % 4 == 0) {
      try {
        return Base64.getDecoder().decode(node.textValue());
      } catch (IllegalArgumentException e) {
        // fall through
      }
    }
    throw Errors.badRequest(what + "=" + Errors.quote(node) + " is not a base64 string.");
  }
}
