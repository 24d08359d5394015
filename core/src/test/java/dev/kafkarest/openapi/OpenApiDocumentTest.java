package dev.kafkarest.openapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.kafkarest.KafkaRest;
import dev.kafkarest.KafkaRestConfig;
import dev.kafkarest.endpoint.OpenApiEndpoint;
import dev.kafkarest.http.Json;
import dev.kafkarest.testing.DirectCalls;
import dev.kafkarest.testing.DirectCalls.Reply;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The served document, openapi.json, is exactly v2.yaml and v3.yaml merged: run with {@code -Dopenapi.write=true}
 * to rewrite it after editing them. Also: the proxy serves it, and every operation it lists is a route.
 */
class OpenApiDocumentTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final String DIR = "/dev/kafkarest/openapi/";
  private static final Path SERVED = Path.of("src/main/resources" + OpenApiEndpoint.RESOURCE);
  private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch");

  private static JsonNode yaml(String name) throws IOException {
    try (InputStream in = OpenApiDocumentTest.class.getResourceAsStream(DIR + name)) {
      return YAML.readTree(in);
    }
  }

  /** v2.yaml (the head: info, servers) with v3.yaml's tags, paths and components added; a clash fails. */
  static ObjectNode merged() throws IOException {
    ObjectNode doc = (ObjectNode) yaml("v2.yaml");
    JsonNode v3 = yaml("v3.yaml");
    ArrayNode tags = (ArrayNode) doc.get("tags");
    v3.path("tags").forEach(tag -> {
      if (!contains(tags, tag)) {
        tags.add(tag);
      }
    });
    addAll((ObjectNode) doc.get("paths"), v3.get("paths"), "paths");
    ObjectNode components = (ObjectNode) doc.get("components");
    for (Iterator<Map.Entry<String, JsonNode>> it = v3.get("components").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> section = it.next();
      JsonNode own = components.get(section.getKey());
      addAll(own == null ? components.putObject(section.getKey()) : (ObjectNode) own, section.getValue(),
          "components/" + section.getKey());
    }
    return doc;
  }

  private static boolean contains(ArrayNode array, JsonNode value) {
    for (JsonNode item : array) {
      if (item.equals(value)) {
        return true;
      }
    }
    return false;
  }

  private static void addAll(ObjectNode into, JsonNode from, String where) {
    from.fields().forEachRemaining(e -> {
      JsonNode existing = into.get(e.getKey());
      if (existing != null && !existing.equals(e.getValue())) {
        throw new AssertionError(where + "/" + e.getKey() + " is in both v2.yaml and v3.yaml, differently");
      }
      into.set(e.getKey(), e.getValue());
    });
  }

  static String render(JsonNode doc) throws IOException {
    DefaultPrettyPrinter printer = new DefaultPrettyPrinter()
        .withObjectIndenter(new DefaultIndenter("  ", "\n"))
        .withArrayIndenter(new DefaultIndenter("  ", "\n"));
    return Json.MAPPER.writer(printer).writeValueAsString(doc) + "\n";
  }

  @Test
  void theServedDocumentIsItsSourcesMerged() throws IOException {
    String expected = render(merged());
    if (Boolean.getBoolean("openapi.write")) {
      Files.writeString(SERVED, expected, StandardCharsets.UTF_8);
    }
    String actual = Files.readString(SERVED, StandardCharsets.UTF_8);
    assertTrue(expected.equals(actual), SERVED + " is not v2.yaml and v3.yaml merged: after editing them, run "
        + "mvn -pl core verify -Dtest=OpenApiDocumentTest -Dopenapi.write=true and commit the rewritten file");
  }

  @Test
  void theProxyServesItAsJsonAndYaml() throws Exception {
    try (KafkaRest rest = KafkaRest.create(KafkaRestConfig.builder().bootstrapServers("127.0.0.1:1").build())) {
      DirectCalls calls = new DirectCalls(rest);
      Reply json = calls.get("/openapi.json");
      assertEquals(200, json.status(), json.body());
      assertEquals("application/json", json.contentType());
      assertEquals(Files.readString(SERVED, StandardCharsets.UTF_8), json.body());
      assertEquals("3.1.0", json.json().get("openapi").asText());
      Reply yaml = calls.get("/openapi.yaml");
      assertEquals("application/yaml", yaml.contentType());
      assertEquals(json.json(), YAML.readTree(yaml.body()), "JSON is YAML: the same document");
      Reply wrongType = calls.call("GET", "/openapi.json", null, null, "Accept", "application/vnd.kafka.v2+json");
      assertEquals(406, wrongType.status(), wrongType.body());
    }
  }

  /** What a validator of the document would catch first: a dangling $ref, a repeated or missing operationId. */
  @Test
  void everyRefResolvesAndOperationIdsAreUnique() throws Exception {
    JsonNode doc = Json.MAPPER.readTree(Files.readString(SERVED, StandardCharsets.UTF_8));
    List<String> problems = new ArrayList<>();
    refs(doc, doc, "", problems);
    Set<String> ids = new java.util.HashSet<>();
    doc.get("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(op -> {
      if (METHODS.contains(op.getKey())) {
        String id = op.getValue().path("operationId").asText("");
        if (id.isEmpty() || !ids.add(id)) {
          problems.add(op.getKey() + " " + path.getKey() + ": operationId missing or repeated: " + id);
        }
      }
    }));
    assertEquals(List.of(), problems);
    assertEquals("3.1.0", doc.get("openapi").asText());
  }

  private static void refs(JsonNode doc, JsonNode node, String where, List<String> problems) {
    if (node.isObject()) {
      JsonNode ref = node.get("$ref");
      if (ref != null && ref.isTextual() && (!ref.asText().startsWith("#/") || doc.at(ref.asText().substring(1))
          .isMissingNode())) {
        problems.add(where + ": $ref " + ref.asText() + " does not resolve");
      }
      node.fields().forEachRemaining(e -> refs(doc, e.getValue(), where + "/" + e.getKey(), problems));
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        refs(doc, node.get(i), where + "/" + i, problems);
      }
    }
  }

  /** Each documented operation reaches a handler: the router answers neither its own 404 nor its 405. */
  @Test
  void everyDocumentedOperationIsARoute() throws Exception {
    JsonNode doc = Json.MAPPER.readTree(Files.readString(SERVED, StandardCharsets.UTF_8));
    List<String> unrouted = new ArrayList<>();
    KafkaRestConfig config = KafkaRestConfig.builder().bootstrapServers("127.0.0.1:1")
        .set("admin.request.timeout.ms", "200").set("admin.default.api.timeout.ms", "300").build();
    try (KafkaRest rest = KafkaRest.builder(config).accessPolicy((principal, operation, resource) -> false).build()) {
      DirectCalls calls = new DirectCalls(rest);
      doc.get("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(op -> {
        if (!METHODS.contains(op.getKey())) {
          return;
        }
        String method = op.getKey().toUpperCase(java.util.Locale.ROOT);
        // Access is denied before any Kafka call, so no operation waits for the (absent) broker.
        String concrete = path.getKey().replaceAll("\\{[^}]+}", "1");
        Reply reply = calls.call(method, concrete, null, null);
        String message = reply.body();
        if (message.contains("HTTP 404 Not Found") || message.contains("HTTP 405 Method Not Allowed")) {
          unrouted.add(method + " " + path.getKey() + ": " + message);
        }
      }));
    }
    assertEquals(List.of(), unrouted);
    assertNotEquals(0, doc.get("paths").size());
  }
}
