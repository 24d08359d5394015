package dev.kafkarest.http;

import java.io.InputStream;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A framework-neutral HTTP request.
 *
 * @param method the HTTP method, upper case
 * @param path the path relative to the mount point, starting with "/" (for example "/topics/t1")
 * @param query decoded query parameters
 * @param headers request headers
 * @param body the request body as a stream (empty stream when there is none); the core reads it once
 * @param baseUri the absolute URI of the mount point, without a trailing slash
 *     (for example "http://host:8080/app/kafka"); used for {@code base_uri} in consumer answers
 * @param principal the authenticated caller as the container saw it, or null
 */
public record RestRequest(
    String method,
    String path,
    Map<String, List<String>> query,
    Headers headers,
    InputStream body,
    URI baseUri,
    String principal) {

  public RestRequest {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(path, "path");
    query = query == null ? Map.of() : query;
    headers = headers == null ? Headers.empty() : headers;
    body = body == null ? InputStream.nullInputStream() : body;
    baseUri = baseUri == null ? URI.create("http://localhost") : baseUri;
  }

  public Optional<String> queryParam(String name) {
    List<String> values = query.get(name);
    return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
  }

  public Optional<String> header(String name) {
    return headers.first(name);
  }

  /** The declared Content-Length, or -1 when there is none (or it is not a number). */
  public long contentLength() {
    try {
      return header("Content-Length").map(v -> Long.parseLong(v.trim())).orElse(-1L);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  public static Builder builder(String method, String path) {
    return new Builder(method, path);
  }

  /** Builder for bindings and tests. */
  public static final class Builder {
    private final String method;
    private final String path;
    private Map<String, List<String>> query = Map.of();
    private Headers headers = Headers.empty();
    private InputStream body;
    private URI baseUri;
    private String principal;

    private Builder(String method, String path) {
      this.method = method;
      this.path = path;
    }

    public Builder query(Map<String, List<String>> query) {
      this.query = query;
      return this;
    }

    public Builder headers(Headers headers) {
      this.headers = headers;
      return this;
    }

    public Builder body(InputStream body) {
      this.body = body;
      return this;
    }

    public Builder body(String json) {
      this.body = new java.io.ByteArrayInputStream(json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return this;
    }

    public Builder baseUri(URI baseUri) {
      this.baseUri = baseUri;
      return this;
    }

    public Builder principal(String principal) {
      this.principal = principal;
      return this;
    }

    public RestRequest build() {
      return new RestRequest(method, path, query, headers, body, baseUri, principal);
    }
  }
}
