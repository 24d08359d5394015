package dev.kafkarest.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;

/**
 * Turns OpenAPI 3.0 schemas (Confluent's document) into JSON Schema 2020-12 in place: {@code nullable: true} adds
 * "null" to the type, a non-standard {@code type: int64} (or int32) becomes an integer, and extensions such as
 * {@code x-extensible-enum} are dropped since they assert nothing.
 */
final class OpenApi30Schemas {
  private OpenApi30Schemas() {}

  static void convert(JsonNode node) {
    if (node.isArray()) {
      node.forEach(OpenApi30Schemas::convert);
      return;
    }
    if (!node.isObject()) {
      return;
    }
    ObjectNode schema = (ObjectNode) node;
    JsonNode type = schema.get("type");
    if (type != null && type.isTextual() && type.asText().matches("int(32|64)")) {
      schema.put("format", type.asText()).put("type", "integer");
    }
    if (schema.path("nullable").asBoolean(false) && schema.get("type") != null) {
      ArrayNode types = schema.putArray("type");
      types.add(type.isTextual() && type.asText().matches("int(32|64)") ? "integer" : type.asText()).add("null");
    }
    schema.remove("nullable");
    for (Iterator<Map.Entry<String, JsonNode>> it = schema.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      if (field.getKey().startsWith("x-")) {
        it.remove();
      } else if (!field.getKey().equals("example") && !field.getKey().equals("enum")) {
        convert(field.getValue());
      }
    }
  }
}
