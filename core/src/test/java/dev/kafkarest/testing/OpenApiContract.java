package dev.kafkarest.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.kafkarest.endpoint.OpenApiEndpoint;
import dev.kafkarest.http.Json;
import dev.kafkarest.http.MediaTypes;
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

  /** Where a missing path, method or header is to be documented. */
  private static final String SOURCES = "core/src/main/resources/dev/kafkarest/openapi/{v2,v3}.yaml";
  /** Request headers of HTTP itself (and of proxies in front), which no operation needs to document. */
  private static final Set<String> HTTP_HEADERS = caseInsensitive("Accept", "Accept-Encoding", "Authorization",
      "Connection", "Content-Length", "Content-Type", "Expect", "Host", "Transfer-Encoding", "User-Agent",
      "Forwarded", "X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Port", "X-Forwarded-Prefix",
      "X-Forwarded-Proto");

  private static final com.fasterxml.jackson.databind.ObjectReader SEQUENCE = Json.MAPPER.reader()
      .without(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

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

  private static volatile OpenApiContract served;

  /**
   * The document the proxy serves at {@code /openapi.json} (v2 and v3), one per JVM: its schemas are compiled as
   * answers need them and kept.
   */
  public static OpenApiContract served() {
    OpenApiContract contract = served;
    if (contract == null) {
      synchronized (OpenApiContract.class) {
        if (served == null) {
          try (InputStream in = OpenApiContract.class.getResourceAsStream(OpenApiEndpoint.RESOURCE)) {
            if (in == null) {
              throw new IllegalStateException(OpenApiEndpoint.RESOURCE + " is not on the classpath");
            }
            served = new OpenApiContract(Json.MAPPER.readTree(in), "");
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
        contract = served;
      }
    }
    return contract;
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
    if (method.equals("HEAD")) {
      // GET without the body: the status and content type must be the GET's.
      List<String> errors = check("GET", path, status, contentType, null);
      return errors.stream().filter(e -> !e.contains("no body, but the document describes one")).toList();
    }
    String call = method + " " + path + " -> " + status + ": ";
    Optional<String> template = paths.match(path);
    if (template.isEmpty()) {
      // The router's own 404 for a path it does not serve is documented once, in the document's description.
      return status == 404 ? errorBody(call, contentType, body) : List.of(call + "no path of the OpenAPI document "
          + "matches " + pathOnly(path) + ". Document it in " + SOURCES + " and regenerate openapi.json.");
    }
    JsonNode operation = document.path("paths").path(template.get()).path(method.toLowerCase(Locale.ROOT));
    if (!operation.isObject()) {
      // Likewise the router's 405 for a method a served path does not take.
      return status == 405 ? errorBody(call, contentType, body) : List.of(call + "the OpenAPI document has no "
          + method + " on " + template.get() + ". Document it in " + SOURCES + " and regenerate openapi.json.");
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

  /**
   * What is wrong with a request the proxy accepted (answered 2xx): every header it sent that is not plain HTTP
   * is a documented header parameter, its Content-Type is one the operation reads, and its JSON body validates.
   * {@code body} null means "not known" (a streamed body), and is not checked; empty means no body.
   */
  public List<String> checkRequest(String method, String path, List<String> headerNames, String contentType,
                                   String body) {
    String call = method + " " + path + " (request): ";
    Optional<String> template = paths.match(path);
    if (template.isEmpty()) {
      return List.of(call + "no path of the OpenAPI document matches " + pathOnly(path) + ". Document it in "
          + SOURCES + " and regenerate openapi.json.");
    }
    JsonNode item = document.path("paths").path(template.get());
    JsonNode operation = item.path(method.toLowerCase(Locale.ROOT));
    if (!operation.isObject()) {
      return List.of(call + "the OpenAPI document has no " + method + " on " + template.get());
    }
    String name = operation.path("operationId").asText(method + " " + template.get());
    List<String> errors = new ArrayList<>();
    Set<String> documentedHeaders = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    for (JsonNode params : List.of(item.path("parameters"), operation.path("parameters"))) {
      params.forEach(p -> {
        JsonNode param = resolve(p);
        if (param.path("in").asText().equals("header")) {
          documentedHeaders.add(param.path("name").asText());
        }
      });
    }
    for (String header : headerNames) {
      if (!HTTP_HEADERS.contains(header) && !documentedHeaders.contains(header)) {
        errors.add(call + name + ": header " + header + " is not a documented parameter of " + template.get()
            + ". Document it in " + SOURCES + " and regenerate openapi.json.");
      }
    }
    if (body == null) {
      return errors;
    }
    JsonNode requestBody = resolve(operation.path("requestBody"));
    if (body.isEmpty()) {
      if (requestBody.path("required").asBoolean(false)) {
        errors.add(call + name + ": accepted without a body, but the document requires one");
      }
      return errors;
    }
    if (!requestBody.isObject()) {
      errors.add(call + name + ": accepted a body, but the document describes none");
      return errors;
    }
    errors.addAll(body(call + name + ": ", name + " request", requestBody.path("content"), contentType, body));
    return errors;
  }

  /** The router's generic error (an unknown path or method): the v2 or v3 error type, an error body. */
  private List<String> errorBody(String call, String contentType, String body) {
    ObjectNode content = Json.MAPPER.createObjectNode();
    ObjectNode media = Json.MAPPER.createObjectNode();
    media.putObject("schema").put("$ref", "#/components/schemas/" + (defs.has("Error") ? "Error" : "V2Error"));
    content.set(MediaTypes.V2, media);
    content.set(MediaTypes.JSON, media);
    return body(call + "router error: ", "router error", content, contentType, body);
  }

  private static String pathOnly(String path) {
    int q = path.indexOf('?');
    return q < 0 ? path : path.substring(0, q);
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
    // A streamed answer (v3 produce) is several JSON values, each an instance of the schema. (Not readValues: it
    // would take a root array for such a sequence.)
    try (JsonParser values = Json.MAPPER.createParser(body)) {
      while (values.nextToken() != null) {
        JsonNode value = SEQUENCE.readTree(values);
        schema.validate(value).forEach(e -> errors.add(call + e));
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

  private static Set<String> caseInsensitive(String... names) {
    Set<String> set = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    set.addAll(List.of(names));
    return java.util.Collections.unmodifiableSet(set);
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
