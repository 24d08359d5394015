package dev.kafkarest.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;

/**
 * TEST DOUBLE: an in-memory Schema Registry speaking the subset of Confluent's REST API the proxy uses, on
 * 127.0.0.1 with a free port. Real ids (one per distinct schema, shared across subjects as Confluent does),
 * subjects with versions, Confluent's 404 bodies, optional Basic auth and an artificial delay, and a counter of
 * calls so tests can prove caching. Also used by the examples module as a registry for local trials.
 * Schemas are compared as given (type, text, references): Confluent's canonicalisation is not reproduced.
 */
public final class FakeSchemaRegistry implements AutoCloseable {
  private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** One stored schema: type, text and references (as the JSON array the registry was given). */
  private record Stored(String type, String schema, JsonNode references) {}

  private final Map<Integer, Stored> byId = new LinkedHashMap<>();
  private final Map<String, List<Integer>> subjects = new LinkedHashMap<>();
  private final AtomicInteger calls = new AtomicInteger();
  private final AtomicLong delayMillis = new AtomicLong();
  private volatile String requiredAuthorization;
  private HttpServer server;
  private String scheme = "http";
  private ExecutorService executor;

  /** Starts on 127.0.0.1 and a free port; returns this for chaining. */
  public FakeSchemaRegistry start() throws IOException {
    return start(0);
  }

  /** Starts on 127.0.0.1 and the given port (0 for a free one), e.g. 8081 for a local trial. */
  public FakeSchemaRegistry start(int port) throws IOException {
    return start(port, null);
  }

  /** Starts with HTTPS when {@code tls} is given (its key manager holds the server certificate). */
  public synchronized FakeSchemaRegistry start(int port, SSLContext tls) throws IOException {
    if (server != null) {
      throw new IllegalStateException("already started");
    }
    InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    if (tls != null) {
      HttpsServer https = HttpsServer.create(address, 0);
      https.setHttpsConfigurator(new HttpsConfigurator(tls));
      server = https;
    } else {
      server = HttpServer.create(address, 0);
    }
    scheme = tls != null ? "https" : "http";
    executor = Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "fake-schema-registry");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
    return this;
  }

  public String url() {
    return scheme + "://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Registry HTTP calls answered so far (any path, any result). */
  public int callCount() {
    return calls.get();
  }

  public void resetCallCount() {
    calls.set(0);
  }

  /** Delays every answer: to test the proxy's timeouts. */
  public void setDelayMillis(long millis) {
    delayMillis.set(millis);
  }

  /** Requires HTTP Basic auth with these credentials; null turns the check off. */
  public void requireBasicAuth(String user, String password) {
    requiredAuthorization = user == null ? null
        : "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  /** Registers directly, without an HTTP call (and without counting one): returns the schema id. */
  public int register(String subject, String schemaType, String schema) {
    return register(subject, new Stored(schemaType, schema, MAPPER.createArrayNode()));
  }

  /** Registers with references, each {@code {name, subject, version}}. */
  public int register(String subject, String schemaType, String schema, List<Map<String, Object>> references) {
    return register(subject, new Stored(schemaType, schema, MAPPER.valueToTree(references)));
  }

  @Override
  public synchronized void close() {
    if (server != null) {
      server.stop(0);
      executor.shutdownNow();
      server = null;
    }
  }

  // --- the store ---

  private synchronized int register(String subject, Stored schema) {
    int id = idOf(schema);
    if (id == 0) {
      id = byId.size() + 1;
      byId.put(id, schema);
    }
    List<Integer> versions = subjects.computeIfAbsent(subject, s -> new ArrayList<>());
    if (!versions.contains(id)) {
      versions.add(id);
    }
    return id;
  }

  private synchronized int idOf(Stored schema) {
    for (Map.Entry<Integer, Stored> e : byId.entrySet()) {
      if (e.getValue().equals(schema)) {
        return e.getKey();
      }
    }
    return 0;
  }

  // --- HTTP ---

  private void handle(HttpExchange exchange) throws IOException {
    calls.incrementAndGet();
    try {
      long delay = delayMillis.get();
      if (delay > 0) {
        Thread.sleep(delay);
      }
      String auth = requiredAuthorization;
      if (auth != null && !auth.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
        send(exchange, 401, error(401, "Unauthorized"));
        return;
      }
      send(exchange, 200, route(exchange));
    } catch (NotFound e) {
      send(exchange, 404, error(e.code, e.getMessage()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      send(exchange, 422, error(42201, "Invalid schema"));
    } finally {
      exchange.close();
    }
  }

  private JsonNode route(HttpExchange exchange) throws IOException {
    String method = exchange.getRequestMethod();
    String[] parts = exchange.getRequestURI().getRawPath().split("/");
    // "", "schemas", "ids", "{id}"  |  "", "subjects", "{s}"[, "versions"[, "{v}"]]
    if (method.equals("GET") && parts.length == 4 && parts[1].equals("schemas") && parts[2].equals("ids")) {
      Stored s = stored(parseInt(parts[3]));
      ObjectNode out = describe(s);
      return out;
    }
    if (parts.length >= 3 && parts[1].equals("subjects")) {
      String subject = URLDecoder.decode(parts[2], StandardCharsets.UTF_8);
      if (method.equals("POST") && parts.length == 3) {
        return lookup(subject, read(exchange.getRequestBody()));
      }
      if (method.equals("POST") && parts.length == 4 && parts[3].equals("versions")) {
        int id = register(subject, read(exchange.getRequestBody()));
        return MAPPER.createObjectNode().put("id", id);
      }
      if (method.equals("GET") && parts.length == 5 && parts[3].equals("versions")) {
        return version(subject, parts[4]);
      }
      if (method.equals("GET") && parts.length == 4 && parts[3].equals("versions")) {
        ArrayNode versions = MAPPER.createArrayNode();
        for (int v = 1; v <= versionsOf(subject).size(); v++) {
          versions.add(v);
        }
        return versions;
      }
    }
    if (method.equals("GET") && parts.length == 2 && parts[1].equals("subjects")) {
      synchronized (this) {
        return MAPPER.valueToTree(subjects.keySet());
      }
    }
    throw new NotFound(404, "HTTP 404 Not Found");
  }

  private synchronized JsonNode lookup(String subject, Stored schema) {
    List<Integer> versions = versionsOf(subject);
    int index = versions.indexOf(idOf(schema));
    if (index < 0) {
      throw new NotFound(40403, "Schema not found");
    }
    return describe(byId.get(versions.get(index))).put("subject", subject).put("version", index + 1)
        .put("id", versions.get(index));
  }

  private synchronized JsonNode version(String subject, String version) {
    List<Integer> versions = versionsOf(subject);
    int v = version.equals("latest") ? versions.size() : parseInt(version);
    if (v < 1 || v > versions.size()) {
      throw new NotFound(40402, "Version " + version + " not found.");
    }
    int id = versions.get(v - 1);
    return describe(byId.get(id)).put("subject", subject).put("version", v).put("id", id);
  }

  private synchronized List<Integer> versionsOf(String subject) {
    List<Integer> versions = subjects.get(subject);
    if (versions == null) {
      throw new NotFound(40401, "Subject '" + subject + "' not found.");
    }
    return versions;
  }

  private synchronized Stored stored(int id) {
    Stored s = byId.get(id);
    if (s == null) {
      throw new NotFound(40403, "Schema " + id + " not found");
    }
    return s;
  }

  private static ObjectNode describe(Stored s) {
    ObjectNode out = MAPPER.createObjectNode();
    out.put("schema", s.schema());
    if (!s.type().equals("AVRO")) {
      out.put("schemaType", s.type());
    }
    if (!s.references().isEmpty()) {
      out.set("references", s.references());
    }
    return out;
  }

  private static Stored read(InputStream body) throws IOException {
    JsonNode node = MAPPER.readTree(body);
    if (node == null || !node.path("schema").isTextual()) {
      throw new IllegalArgumentException("no schema");
    }
    String type = node.path("schemaType").asText("AVRO");
    JsonNode refs = node.path("references").isArray() ? node.get("references") : MAPPER.createArrayNode();
    return new Stored(type, node.get("schema").asText(), refs);
  }

  private static int parseInt(String text) {
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new NotFound(404, "HTTP 404 Not Found");
    }
  }

  private static JsonNode error(int code, String message) {
    return MAPPER.createObjectNode().put("error_code", code).put("message", message);
  }

  private static void send(HttpExchange exchange, int status, JsonNode body) throws IOException {
    byte[] bytes = MAPPER.writeValueAsBytes(body);
    exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static final class NotFound extends RuntimeException {
    final int code;

    NotFound(int code, String message) {
      super(message, null, false, false);
      this.code = code;
    }
  }
}
