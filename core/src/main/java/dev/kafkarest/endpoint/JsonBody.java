package dev.kafkarest.endpoint;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kafkarest.error.Errors;
import dev.kafkarest.http.Json;
import dev.kafkarest.http.RestRequest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Strict reading of small JSON request bodies: unknown fields 422 (as Confluent), wrong types 400, required
 * fields that are missing 422. Each getter returns null for an absent field or a JSON null.
 */
public final class JsonBody {
  private final JsonNode node;

  private JsonBody(JsonNode node) {
    this.node = node;
  }

  /** The body as an object, or null when the request has no body at all. */
  public static JsonBody read(RestRequest request, Set<String> allowed) throws IOException {
    JsonNode node = Json.readTree(request.body());
    if (node == null || node.isNull()) {
      return null;
    }
    return of(node, allowed);
  }

  public static JsonBody required(RestRequest request, Set<String> allowed) throws IOException {
    JsonBody body = read(request, allowed);
    if (body == null) {
      throw Errors.unprocessable("Request body is empty. Data is required.");
    }
    return body;
  }

  public static JsonBody of(JsonNode node, Set<String> allowed) {
    if (!node.isObject()) {
      throw Errors.badRequest("expected a JSON object.");
    }
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String field = it.next();
      if (!allowed.contains(field)) {
        throw Errors.unrecognizedField(field);
      }
    }
    return new JsonBody(node);
  }

  public boolean has(String field) {
    JsonNode v = node.get(field);
    return v != null && !v.isNull();
  }

  public Boolean bool(String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isBoolean()) {
      throw Errors.badRequest(field + " must be true or false.");
    }
    return v.booleanValue();
  }

  /** The field's JSON as it is, or null when absent or null; for shapes the getters here do not cover. */
  public JsonNode raw(String field) {
    JsonNode v = node.get(field);
    return v == null || v.isNull() ? null : v;
  }

  public String text(String field) {
    return text(node, field);
  }

  /** A string field of any object node: null when absent or null, 400 when not a string. */
  public static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw Errors.badRequest(field + " must be a string.");
    }
    return v.textValue();
  }

  /** A string field that Confluent also accepts as a number or boolean ("auto.commit.enable": "true"). */
  public String scalarText(String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isValueNode()) {
      throw Errors.badRequest(field + " must be a string.");
    }
    return v.asText();
  }

  public Integer integer(String field) {
    Long value = longValue(field);
    if (value == null) {
      return null;
    }
    if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
      throw Errors.badRequest(field + " must be a 32-bit integer.");
    }
    return value.intValue();
  }

  public Long longValue(String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (v.isIntegralNumber() && v.canConvertToLong()) {
      return v.longValue();
    }
    if (v.isTextual()) {
      try {
        return Long.parseLong(v.textValue().trim());
      } catch (NumberFormatException e) {
        // fall through to the error below
      }
    }
    throw Errors.badRequest(field + " must be an integer.");
  }

  public long requiredLong(String field) {
    Long value = longValue(field);
    if (value == null) {
      throw Errors.unprocessable(field + " is required.");
    }
    return value;
  }

  public String requiredText(String field) {
    String value = text(field);
    if (value == null) {
      throw Errors.unprocessable(field + " is required.");
    }
    return value;
  }

  /** The objects of an array field, each checked against {@code allowed}; null when the field is absent. */
  public List<JsonBody> objects(String field, Set<String> allowed) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isArray()) {
      throw Errors.badRequest(field + " must be an array.");
    }
    List<JsonBody> out = new ArrayList<>(v.size());
    v.forEach(item -> out.add(of(item, allowed)));
    return out;
  }

  public List<String> strings(String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isArray()) {
      throw Errors.badRequest(field + " must be an array of strings.");
    }
    List<String> out = new ArrayList<>(v.size());
    for (JsonNode item : v) {
      if (!item.isTextual()) {
        throw Errors.badRequest(field + " must be an array of strings.");
      }
      out.add(item.textValue());
    }
    return out;
  }
}
