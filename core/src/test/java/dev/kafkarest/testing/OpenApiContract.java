package dev.kafkarest.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.kafkarest.http.Json;
import dev.kafkarest.testing.DirectCalls.Reply;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Checks answers against an OpenAPI document: the method and path have an operation, the status is documented
 * for it (exactly, as {@code 4XX}, or as {@code default}), the content type is one it documents (none for a
 * bodiless answer), and each JSON value of the body validates against the response schema (JSON Schema 2020-12;
 * {@code #/components/schemas/X} becomes {@code #/$defs/X} of the schema handed to the validator).
 */
public final class OpenApiContract {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options");

  private final JsonNode document;
  private final OpenApiPaths paths;
  private final ObjectNode defs;
  private final SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
  private final Map<String, Schema> schemas = new ConcurrentHashMap<>();
  private final Set<String> checked = ConcurrentHashMap.newKeySet();

  private OpenApiContract(JsonNode document, String pathPrefix) {
    this.document = document;
    this.paths = new OpenApiPaths(() -> document.path("paths").fieldNames(), pathPrefix);
    this.defs = (ObjectNode) refsToDefs(document.path("components").path("schemas").deepCopy());
  }

  /** The proxy's own v3 document, a resource of core. */
  public static OpenApiContract v3() {
    try (InputStream in = OpenApiContract.class.getResourceAsStream("/dev/kafkarest/openapi/v3.yaml")) {
      if (in == null) {
        throw new IllegalStateException("dev/kafkarest/openapi/v3.yaml is not on the classpath");
      }
      return new OpenApiContract(YAML.readTree(in), "");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** An OpenAPI 3.0 document (Confluent's), its schemas converted; {@code pathPrefix} is its servers' "/v3". */
  public static OpenApiContract openApi30(Path file, String pathPrefix) {
    try {
      JsonNode document = YAML.readTree(Files.readString(file));
      OpenApi30Schemas.convert(document.path("components"));
      OpenApi30Schemas.convert(document.path("paths"));
      return new OpenApiContract(document, pathPrefix);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** What is wrong with the answer to {@code method path} (the path may carry a query); empty when it conforms. */
  public List<String> check(String method, String path, Reply reply) {
    return check(method, path, reply.status(), reply.contentType(), reply.body());
  }

  public List<String> check(String method, String path, int status, String contentType, String body) {
    String call = method + " " + path + " -> " + status + ": ";
    Optional<String> template = paths.match(path);
    if (template.isEmpty()) {
      return List.of(call + "no path of the document matches");
    }
    JsonNode operation = document.path("paths").path(template.get()).path(method.toLowerCase(Locale.ROOT));
    if (!operation.isObject()) {
      return List.of(call + "the document has no " + method + " on " + template.get());
    }
    String name = operation.path("operationId").asText(method + " " + template.get());
    JsonNode responses = operation.path("responses");
    Optional<String> documented = documentedStatus(responses, status);
    if (documented.isEmpty()) {
      return List.of(call + "status " + status + " is not documented for " + name + " (documented: "
          + fieldNames(responses) + ")");
    }
    checked.add(name);
    JsonNode response = resolve(responses.get(documented.get()));
    return body(call + name + ": ", name + " " + documented.get(), response.path("content"), contentType, body);
  }

  /** The operationIds answers were checked for, so that a test can tell what it left out. */
  public Set<String> checkedOperations() {
    return new TreeSet<>(checked);
  }

  public Set<String> operationIds() {
    Set<String> ids = new TreeSet<>();
    document.path("paths").forEach(item -> item.fields().forEachRemaining(op -> {
      if (METHODS.contains(op.getKey())) {
        ids.add(op.getValue().path("operationId").asText());
      }
    }));
    return ids;
  }

  private List<String> body(String call, String key, JsonNode content, String contentType, String body) {
    boolean empty = body == null || body.isEmpty();
    if (content.isMissingNode() || content.isEmpty()) {
      return empty ? List.of() : List.of(call + "documented without a body, but answered " + shorten(body));
    }
    String type = contentType == null ? "" : contentType.split(";")[0].trim().toLowerCase(Locale.ROOT);
    JsonNode media = content.get(type);
    if (media == null) {
      return List.of(call + "content type " + Optional.ofNullable(contentType).orElse("(none)")
          + " is not documented (documented: " + fieldNames(content) + ")");
    }
    if (!type.endsWith("json")) {
      return List.of();
    }
    if (empty) {
      return List.of(call + "no body, but the document describes one");
    }
    Schema schema = schemas.computeIfAbsent(key + " " + type, k -> schema(media.path("schema")));
    List<String> errors = new ArrayList<>();
    try (MappingIterator<JsonNode> values = Json.MAPPER.readerFor(JsonNode.class).readValues(body)) {
      // a streamed answer (records) is several JSON values, each an instance of the schema
      while (values.hasNext()) {
        schema.validate(values.next()).forEach(e -> errors.add(call + e));
      }
    } catch (IOException | RuntimeException e) {
      errors.add(call + "the body is not JSON: " + shorten(body));
    }
    return errors;
  }

  private Schema schema(JsonNode responseSchema) {
    ObjectNode root = Json.MAPPER.createObjectNode().put("$schema", "https://json-schema.org/draft/2020-12/schema");
    JsonNode own = refsToDefs(responseSchema.deepCopy());
    if (own.isObject()) {
      root.setAll((ObjectNode) own);
    }
    root.set("$defs", defs);
    return registry.getSchema(root);
  }

  private static Optional<String> documentedStatus(JsonNode responses, int status) {
    String exact = Integer.toString(status);
    for (String key : List.of(exact, exact.charAt(0) + "XX", exact.charAt(0) + "xx", "default")) {
      if (responses.has(key)) {
        return Optional.of(key);
      }
    }
    return Optional.empty();
  }

  /** A Response Object may be a {@code $ref} into the document's components. */
  private JsonNode resolve(JsonNode node) {
    JsonNode ref = node.get("$ref");
    return ref == null ? node : resolve(document.at(ref.asText().substring(1)));
  }

  private static JsonNode refsToDefs(JsonNode node) {
    if (node.isObject()) {
      JsonNode ref = node.get("$ref");
      if (ref != null && ref.isTextual() && ref.asText().startsWith("#/components/schemas/")) {
        ((ObjectNode) node).put("$ref", "#/$defs/" + ref.asText().substring("#/components/schemas/".length()));
      }
      node.forEach(OpenApiContract::refsToDefs);
    } else if (node.isArray()) {
      node.forEach(OpenApiContract::refsToDefs);
    }
    return node;
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      names.add(it.next());
    }
    return names;
  }

  private static String shorten(String body) {
    return body.length() <= 200 ? body : body.substring(0, 200) + "...";
  }
}
