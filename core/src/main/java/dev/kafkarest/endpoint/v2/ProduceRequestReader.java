package dev.kafkarest.endpoint.v2;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.kafkarest.KafkaRestConfig;
import dev.kafkarest.error.Errors;
import dev.kafkarest.error.LimitExceeded;
import dev.kafkarest.format.EmbeddedFormat;
import dev.kafkarest.format.RecordFormat;
import dev.kafkarest.format.SchemaSelection;
import dev.kafkarest.http.Json;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * Reads a v2 produce body with Jackson's streaming parser: keys and values go straight into the format's form
 * (bytes for binary and json), with no intermediate tree for large batches. Validation is strict: unknown
 * fields 422, wrong types 400, no records 422.
 */
final class ProduceRequestReader {

  /**
   * One record as read: key and value in the format's intermediate form (null for JSON null or absent); the
   * record's timestamp and headers when the request gave them (an extension: null and empty otherwise).
   */
  record ParsedRecord(Object key, Object value, Integer partition, Long timestamp, List<Header> headers) {
    ParsedRecord(Object key, Object value, Integer partition) {
      this(key, value, partition, null, List.of());
    }
  }

  record ParsedRequest(SchemaSelection schemas, List<ParsedRecord> records) {}

  /** Fast-path bodies are held twice (bytes and a Latin-1 view) while read: at most 2 MiB per request. */
  private static final int FAST_PATH_MAX_BYTES = 1 << 20;

  private final RecordFormat format;
  private final int maxRecords;

  ProduceRequestReader(RecordFormat format, int maxRecords) {
    this.format = format;
    this.maxRecords = maxRecords;
  }

  /**
   * Reads a body of {@code declaredLength} bytes (-1: unknown). A binary body of known, moderate size (a batch
   * of a few hundred 1 KiB records) is read whole for the byte-level fast path; anything else streams through
   * Jackson, so a large body is never held twice.
   */
  ParsedRequest read(InputStream body, long declaredLength) throws IOException {
    if (format.format() == EmbeddedFormat.BINARY && declaredLength > 0 && declaredLength <= FAST_PATH_MAX_BYTES) {
      byte[] bytes = body.readAllBytes();
      ParsedRequest plain = BinaryBatchScanner.scan(bytes, maxRecords);
      return plain != null ? plain : parse(Json.MAPPER.createParser(bytes));
    }
    return parse(Json.MAPPER.createParser(body));
  }

  /** The general reader, for any format and any body. */
  ParsedRequest parse(JsonParser parser) throws IOException {
    try (JsonParser p = parser) {
      JsonToken first = p.nextToken();
      if (first == null || first == JsonToken.VALUE_NULL) {
        throw Errors.unprocessable("Request body is empty. Data is required.");
      }
      expect(p, JsonToken.START_OBJECT, "the request body must be a JSON object");
      String keySchema = null;
      String valueSchema = null;
      Integer keySchemaId = null;
      Integer valueSchemaId = null;
      List<ParsedRecord> records = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        p.nextToken();
        switch (field) {
          case "key_schema" -> keySchema = string(p, field);
          case "value_schema" -> valueSchema = string(p, field);
          case "key_schema_id" -> keySchemaId = integer(p, field);
          case "value_schema_id" -> valueSchemaId = integer(p, field);
          case "records" -> records = records(p);
          default -> throw Errors.unrecognizedField(field);
        }
      }
      if (p.nextToken() != null) {
        throw Errors.malformedJson("Malformed JSON: trailing content after the document");
      }
      if (records == null || records.isEmpty()) {
        throw Errors.unprocessable("records must not be empty");
      }
      return new ParsedRequest(new SchemaSelection(keySchema, keySchemaId, valueSchema, valueSchemaId), records);
    }
  }

  private List<ParsedRecord> records(JsonParser p) throws IOException {
    if (p.currentToken() == JsonToken.VALUE_NULL) {
      return null;
    }
    expect(p, JsonToken.START_ARRAY, "records must be an array");
    List<ParsedRecord> records = new ArrayList<>();
    while (p.nextToken() != JsonToken.END_ARRAY) {
      if (records.size() >= maxRecords) {
        throw new LimitExceeded(KafkaRestConfig.PRODUCE_MAX_RECORDS, Errors.UNPROCESSABLE, Errors.UNPROCESSABLE,
            "Too many records in one request: the limit is " + maxRecords + ".");
      }
      records.add(record(p));
    }
    return records;
  }

  private ParsedRecord record(JsonParser p) throws IOException {
    expect(p, JsonToken.START_OBJECT, "each record must be a JSON object");
    Object key = null;
    Object value = null;
    Integer partition = null;
    Long timestamp = null;
    List<Header> headers = List.of();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken token = p.nextToken();
      switch (field) {
        case "key" -> key = token == JsonToken.VALUE_NULL ? null : format.read(p);
        case "value" -> value = token == JsonToken.VALUE_NULL ? null : format.read(p);
        case "partition" -> partition = integer(p, field);
        case "timestamp" -> timestamp = timestamp(p);
        case "headers" -> headers = headers(p);
        default -> throw Errors.unrecognizedField(field);
      }
    }
    return new ParsedRecord(key, value, partition, timestamp, headers);
  }

  /** {@code "timestamp"}: epoch milliseconds, not negative; null lets Kafka set it. */
  private static Long timestamp(JsonParser p) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
    if (t != JsonToken.VALUE_NUMBER_INT || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
        || p.getLongValue() < 0) {
      p.skipChildren();
      throw Errors.badRequest("timestamp must be a non-negative integer (epoch milliseconds).");
    }
    return p.getLongValue();
  }

  /** {@code "headers": [{"name": "h", "value": "<base64>" or null}, ...]}; repeated names are kept, in order. */
  private static List<Header> headers(JsonParser p) throws IOException {
    if (p.currentToken() == JsonToken.VALUE_NULL) {
      return List.of();
    }
    expect(p, JsonToken.START_ARRAY, "headers must be an array of {\"name\", \"value\"} objects");
    List<Header> headers = new ArrayList<>();
    while (p.nextToken() != JsonToken.END_ARRAY) {
      expect(p, JsonToken.START_OBJECT, "each header must be an object with name and value");
      String name = null;
      byte[] value = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken token = p.nextToken();
        switch (field) {
          case "name" -> name = string(p, "header name");
          case "value" -> value = token == JsonToken.VALUE_NULL ? null : base64(p);
          default -> throw Errors.unrecognizedField(field);
        }
      }
      if (name == null) {
        throw Errors.badRequest("each header needs a name.");
      }
      headers.add(new RecordHeader(name, value));
    }
    return headers;
  }

  private static byte[] base64(JsonParser p) throws IOException {
    if (p.currentToken() != JsonToken.VALUE_STRING) {
      p.skipChildren();
      throw Errors.badRequest("a header value must be a base64 string or null.");
    }
    try {
      return Base64.getDecoder().decode(p.getText());
    } catch (IllegalArgumentException e) {
      throw Errors.badRequest("a header value is not valid base64.");
    }
  }

  private static void expect(JsonParser p, JsonToken token, String message) {
    if (p.currentToken() != token) {
      throw Errors.badRequest(message + ".");
    }
  }

  private static String string(JsonParser p, String field) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
    if (t != JsonToken.VALUE_STRING) {
      p.skipChildren();
      throw Errors.badRequest(field + " must be a string.");
    }
    return p.getText();
  }

  private static Integer integer(JsonParser p, String field) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
    if (t != JsonToken.VALUE_NUMBER_INT || p.getNumberType() != JsonParser.NumberType.INT) {
      p.skipChildren();
      throw Errors.badRequest(field + " must be a 32-bit integer.");
    }
    return p.getIntValue();
  }
}
