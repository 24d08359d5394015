package dev.kafkarest.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kafkarest.http.Json;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The subset of Confluent's Schema Registry REST API a proxy needs, over {@code java.net.http}, fully async.
 * Answers that never change (schema by id, id of a schema under a subject, a numbered version) are cached, so a
 * steady stream of records costs no registry call. Every call is bounded by the configured timeout; with several
 * URLs, a connection failure moves on to the next one.
 */
public final class SchemaRegistryClient {
  static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
  private static final int MAX_MESSAGE = 200;

  private final RegistrySettings settings;
  private final HttpClient http;
  private final String authorization;
  private final LruCache<Integer, CompletableFuture<RegistrySchema>> byId;
  private final LruCache<SubjectSchema, CompletableFuture<Integer>> idBySubject;
  private final LruCache<SubjectVersion, CompletableFuture<RegisteredSchema>> byVersion;
  private final LruCache<SubjectSchema, CompletableFuture<RegisteredSchema>> registrations;

  /** A schema as registered under a subject. */
  public record RegisteredSchema(String subject, int version, int id, RegistrySchema schema) {}

  private record SubjectSchema(String subject, RegistrySchema schema) {}

  private record SubjectVersion(String subject, int version) {}

  public SchemaRegistryClient(RegistrySettings settings) {
    this.settings = Objects.requireNonNull(settings);
    HttpClient.Builder builder = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(settings.timeout());
    if (settings.truststoreLocation() != null) {
      builder.sslContext(TrustStores.sslContext(settings));
    }
    this.http = builder.build();
    this.authorization = settings.userInfo() == null ? null
        : "Basic " + Base64.getEncoder().encodeToString(settings.userInfo().getBytes(StandardCharsets.UTF_8));
    this.byId = new LruCache<>(settings.cacheSize());
    this.idBySubject = new LruCache<>(settings.cacheSize());
    this.byVersion = new LruCache<>(settings.cacheSize());
    this.registrations = new LruCache<>(settings.cacheSize());
  }

  public RegistrySettings settings() {
    return settings;
  }

  /** {@code GET /schemas/ids/{id}}, cached. */
  public CompletableFuture<RegistrySchema> schemaById(int id) {
    return LruCache.shared(byId, id, () -> call("GET", "/schemas/ids/" + id, null).thenApply(SchemaRegistryClient::schemaOf));
  }

  /** {@code POST /subjects/{subject}}: the id of a schema already registered under the subject; 404 if not. */
  public CompletableFuture<Integer> lookup(String subject, RegistrySchema schema) {
    return LruCache.shared(idBySubject, new SubjectSchema(subject, schema),
        () -> call("POST", "/subjects/" + encode(subject), body(schema)).thenApply(n -> n.path("id").asInt()));
  }

  /**
   * {@code POST /subjects/{subject}}: the id and version of a schema registered under the subject (404 if it is
   * not); cached, as a registration never changes.
   */
  public CompletableFuture<RegisteredSchema> registration(String subject, RegistrySchema schema) {
    return LruCache.shared(registrations, new SubjectSchema(subject, schema),
        () -> call("POST", "/subjects/" + encode(subject), body(schema)).thenApply(n ->
            new RegisteredSchema(subject, n.path("version").asInt(), n.path("id").asInt(), schema)));
  }

  /** {@code POST /subjects/{subject}/versions}: registers (or finds) the schema and returns its id. */
  public CompletableFuture<Integer> register(String subject, RegistrySchema schema) {
    return call("POST", "/subjects/" + encode(subject) + "/versions", body(schema))
        .thenApply(n -> n.path("id").asInt());
  }

  /** Looks the schema up under the subject and registers it if it is not there yet; cached either way. */
  public CompletableFuture<Integer> lookupOrRegister(String subject, RegistrySchema schema) {
    return LruCache.shared(idBySubject, new SubjectSchema(subject, schema), () ->
        call("POST", "/subjects/" + encode(subject), body(schema))
            .thenApply(n -> n.path("id").asInt())
            .exceptionallyCompose(failure -> {
              Throwable t = unwrap(failure);
              if (t instanceof SchemaRegistryException e && e.isNotFound()) {
                return register(subject, schema);
              }
              return CompletableFuture.failedFuture(t);
            }));
  }

  /** {@code GET /subjects/{subject}/versions/{version}}; numbered versions never change and are cached. */
  public CompletableFuture<RegisteredSchema> version(String subject, int version) {
    if (version < 0) {
      return latest(subject);
    }
    return LruCache.shared(byVersion, new SubjectVersion(subject, version),
        () -> call("GET", "/subjects/" + encode(subject) + "/versions/" + version, null)
            .thenApply(SchemaRegistryClient::registeredOf));
  }

  /** {@code GET /subjects/{subject}/versions/latest}; never cached, since it moves. */
  public CompletableFuture<RegisteredSchema> latest(String subject) {
    return call("GET", "/subjects/" + encode(subject) + "/versions/latest", null)
        .thenApply(SchemaRegistryClient::registeredOf);
  }

  /**
   * Completes when the registry answers {@code GET /config} (for health checks): any answer but 401, 403 or a 5xx
   * shows it is there; those and a network failure fail the future, with a message fit for a health page.
   */
  public CompletableFuture<Void> reachable() {
    return call("GET", "/config", null)
        .<Void>thenApply(n -> null)
        .exceptionallyCompose(failure -> {
          Throwable t = unwrap(failure);
          if (t instanceof SchemaRegistryException e && e.httpStatus() >= 400 && e.httpStatus() < 500
              && e.httpStatus() != 401 && e.httpStatus() != 403) {
            return CompletableFuture.completedFuture(null);
          }
          if (t instanceof SchemaRegistryException e && (e.httpStatus() == 401 || e.httpStatus() == 403)) {
            return CompletableFuture.failedFuture(new SchemaRegistryException(e.httpStatus(), 0,
                "Schema Registry refused the proxy's credentials (HTTP " + e.httpStatus() + ")"));
          }
          if (t instanceof SchemaRegistryException e && e.httpStatus() >= 500) {
            return CompletableFuture.failedFuture(new SchemaRegistryException(e.httpStatus(), 0,
                "Schema Registry answered HTTP " + e.httpStatus()));
          }
          return CompletableFuture.failedFuture(t);
        });
  }

  // --- HTTP ---

  private CompletableFuture<JsonNode> call(String method, String path, byte[] body) {
    List<URI> urls = settings.urls();
    // Each attempt is bounded by the request timeout; the whole call also by the sum of attempts.
    long boundMs = settings.timeout().toMillis() * urls.size() + 100;
    return attempt(method, path, body, 0)
        .orTimeout(boundMs, TimeUnit.MILLISECONDS)
        .exceptionallyCompose(failure -> CompletableFuture.failedFuture(translate(unwrap(failure))));
  }

  private CompletableFuture<JsonNode> attempt(String method, String path, byte[] body, int urlIndex) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(settings.urls().get(urlIndex) + path))
        .timeout(settings.timeout())
        .header("Accept", CONTENT_TYPE);
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    if (body != null) {
      request.header("Content-Type", CONTENT_TYPE).method(method, HttpRequest.BodyPublishers.ofByteArray(body));
    } else {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    }
    CompletableFuture<HttpResponse<byte[]>> sent;
    try {
      sent = http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    return sent.thenApply(SchemaRegistryClient::answer)
        .exceptionallyCompose(failure -> {
          Throwable t = unwrap(failure);
          boolean canRetry = urlIndex + 1 < settings.urls().size()
              && (t instanceof ConnectException || t instanceof HttpConnectTimeoutException);
          return canRetry ? attempt(method, path, body, urlIndex + 1) : CompletableFuture.failedFuture(t);
        });
  }

  private static JsonNode answer(HttpResponse<byte[]> response) {
    JsonNode node;
    try {
      node = response.body().length == 0 ? Json.MAPPER.nullNode() : Json.MAPPER.readTree(response.body());
    } catch (IOException e) {
      node = Json.MAPPER.nullNode();
    }
    int status = response.statusCode();
    if (status >= 200 && status < 300) {
      if (!node.isObject()) {
        throw new SchemaRegistryException(status, 0, "Schema Registry answered with an unexpected body");
      }
      return node;
    }
    int code = node.path("error_code").asInt(status);
    String message = node.path("message").asText("");
    if (message.length() > MAX_MESSAGE) {
      message = message.substring(0, MAX_MESSAGE) + "...";
    }
    throw new SchemaRegistryException(status, code,
        "Schema Registry error " + code + (message.isBlank() ? "" : ": " + message.replaceAll("\\p{Cntrl}", " ")));
  }

  private SchemaRegistryException translate(Throwable t) {
    if (t instanceof SchemaRegistryException e) {
      return e;
    }
    if (t instanceof HttpTimeoutException || t instanceof TimeoutException) {
      return new SchemaRegistryException(0, 0,
          "Schema Registry did not answer within " + settings.timeout().toMillis() + " ms");
    }
    if (t instanceof javax.net.ssl.SSLException) {
      return new SchemaRegistryException(0, 0, "TLS handshake with Schema Registry failed");
    }
    if (t instanceof IOException) {
      return new SchemaRegistryException(0, 0, "Schema Registry is unreachable");
    }
    return new SchemaRegistryException(0, 0, "Schema Registry call failed");
  }

  private static Throwable unwrap(Throwable t) {
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  // --- bodies ---

  private static byte[] body(RegistrySchema schema) {
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("schema", schema.schema());
    if (!RegistrySchema.AVRO.equals(schema.schemaType())) {
      body.put("schemaType", schema.schemaType());
    }
    if (!schema.references().isEmpty()) {
      ArrayNode refs = body.putArray("references");
      for (SchemaReference r : schema.references()) {
        refs.addObject().put("name", r.name()).put("subject", r.subject()).put("version", r.version());
      }
    }
    return Json.bytes(body);
  }

  private static RegistrySchema schemaOf(JsonNode node) {
    if (!node.path("schema").isTextual()) {
      throw new SchemaRegistryException(200, 0, "Schema Registry answered without a schema");
    }
    List<SchemaReference> refs = new ArrayList<>();
    for (JsonNode r : node.path("references")) {
      refs.add(new SchemaReference(r.path("name").asText(), r.path("subject").asText(), r.path("version").asInt()));
    }
    String type = node.path("schemaType").isTextual() ? node.path("schemaType").asText() : RegistrySchema.AVRO;
    return new RegistrySchema(type, node.path("schema").asText(), refs);
  }

  private static RegisteredSchema registeredOf(JsonNode node) {
    return new RegisteredSchema(node.path("subject").asText(), node.path("version").asInt(),
        node.path("id").asInt(), schemaOf(node));
  }

  private static String encode(String subject) {
    return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
