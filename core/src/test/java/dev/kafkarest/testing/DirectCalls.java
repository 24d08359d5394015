package dev.kafkarest.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kafkarest.KafkaRest;
import dev.kafkarest.http.Headers;
import dev.kafkarest.http.Json;
import dev.kafkarest.http.RestRequest;
import dev.kafkarest.http.RestResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Calls a {@link KafkaRest} directly, with no socket and no container: the way a unit test uses the library. */
public final class DirectCalls {
  private final KafkaRest rest;

  public DirectCalls(KafkaRest rest) {
    this.rest = rest;
  }

  /** A finished call: status, content type and body text. */
  public record Reply(int status, String contentType, String body) {
    public JsonNode json() {
      try {
        return Json.MAPPER.readTree(body);
      } catch (IOException e) {
        throw new UncheckedIOException("not JSON: " + body, e);
      }
    }
  }

  public Reply get(String path) {
    return call("GET", path, null, null);
  }

  public Reply post(String path, String contentType, String body) {
    return call("POST", path, contentType, body);
  }

  public Reply call(String method, String path, String contentType, String body, String... headers) {
    RestResponse response = respond(method, path, contentType,
        body == null ? null : body.getBytes(java.nio.charset.StandardCharsets.UTF_8), headers);
    return new Reply(response.status(), response.contentType(), response.bodyAsString());
  }

  /** The raw answer to a request whose body may be any bytes (null: no body); {@code path} may carry a query. */
  public RestResponse respond(String method, String path, String contentType, byte[] body, String... headers) {
    List<String> h = new ArrayList<>(List.of(headers));
    if (contentType != null) {
      h.add("Content-Type");
      h.add(contentType);
    }
    if (body != null) {
      h.add("Content-Length");
      h.add(Integer.toString(body.length));
    }
    String pathOnly = path;
    java.util.Map<String, List<String>> query = new java.util.HashMap<>();
    int q = path.indexOf('?');
    if (q >= 0) {
      pathOnly = path.substring(0, q);
      for (String pair : path.substring(q + 1).split("&")) {
        String[] kv = pair.split("=", 2);
        query.computeIfAbsent(kv[0], k -> new ArrayList<>()).add(kv.length > 1 ? kv[1] : "");
      }
    }
    RestRequest request = RestRequest.builder(method, pathOnly)
        .query(query)
        .headers(Headers.of(h.toArray(String[]::new)))
        .baseUri(URI.create("http://proxy.test/kafka"))
        .body(body == null ? null : new java.io.ByteArrayInputStream(body))
        .build();
    try {
      return rest.handle(request).toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("the proxy did not answer " + method + " " + path, e);
    }
  }
}
