package dev.kafkarest.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kafkarest.endpoint.OpenApiEndpoint;
import dev.kafkarest.http.Json;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Real HTTP calls to a mounted proxy, with the JDK client on HTTP/1.1 (the default h2c upgrade attempt makes
 * some containers log spurious errors). Paths are relative to the mount: {@code get("/topics")}.
 *
 * <p>Every exchange is checked against the OpenAPI document the proxy serves ({@link OpenApiContract#served}):
 * the answer's status, content type and body always, the request's headers, content type and body when the proxy
 * accepted it (2xx). A mismatch fails the call with an {@link AssertionError} that names the path, so a new
 * endpoint or header shows up at once as "not documented". Only bodies given as text are checked (not those of
 * {@link #postChunked}, {@link #postLines} or {@link #send}); each line of a {@link #postLines} answer is.
 * {@link #unchecked()} is for calls that leave the contract on purpose.
 */
public final class HttpCalls {
  private static final HttpClient CLIENT = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5))
      .build();

  private final String mount;
  private final HttpClient client;
  private final OpenApiContract contract;

  /** {@code mount}: the absolute URL of the mount point without a trailing slash, e.g. http://127.0.0.1:1234/app/kafka. */
  public HttpCalls(URI mount) {
    this(mount, CLIENT);
  }

  /** With a client of the caller's, for example one that trusts a test certificate. */
  public HttpCalls(URI mount, HttpClient client) {
    this(mount, client, OpenApiContract.served());
  }

  private HttpCalls(URI mount, HttpClient client, OpenApiContract contract) {
    String text = mount.toString();
    this.mount = text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
    this.client = client;
    this.contract = contract;
  }

  /** The same calls without the OpenAPI check, for a test that sends what the document does not describe. */
  public HttpCalls unchecked() {
    return new HttpCalls(URI.create(mount), client, null);
  }

  public String mount() {
    return mount;
  }

  /** A finished call. */
  public record Reply(int status, String contentType, String body) {
    public JsonNode json() {
      try {
        return Json.MAPPER.readTree(body);
      } catch (IOException e) {
        throw new UncheckedIOException("not JSON (status " + status + "): " + body, e);
      }
    }

    /** The {@code error_code} of an error answer. */
    public int errorCode() {
      return json().path("error_code").asInt(-1);
    }

    @Override
    public String toString() {
      return status + " " + contentType + " " + body;
    }
  }

  public Reply get(String path, String... headers) {
    return send("GET", path, "", HttpRequest.BodyPublishers.noBody(), headers);
  }

  public Reply delete(String path, String... headers) {
    return send("DELETE", path, "", HttpRequest.BodyPublishers.noBody(), headers);
  }

  public Reply post(String path, String contentType, String body, String... headers) {
    return send("POST", path, body, HttpRequest.BodyPublishers.ofString(body), withContentType(contentType, headers));
  }

  /** Any method with a body, e.g. Confluent's GET .../offsets, which reads a JSON body. */
  public Reply call(String method, String path, String contentType, String body, String... headers) {
    return send(method, path, body, HttpRequest.BodyPublishers.ofString(body), withContentType(contentType, headers));
  }

  /** A POST whose body is sent chunked (no Content-Length), as a streaming client would. */
  public Reply postChunked(String path, String contentType, Supplier<InputStream> body, String... headers) {
    return send("POST", path, HttpRequest.BodyPublishers.ofInputStream(body), withContentType(contentType, headers));
  }

  /**
   * A POST over a plain socket that declares a body of {@code declaredLength} bytes but never sends it. A proxy
   * that refuses on the declared length alone answers anyway; a binding that read (buffered) the body first
   * would wait, and the call fails after {@code patience}. Uses {@code Connection: close}. (The JDK client
   * cannot do this: its {@code Expect: 100-continue} hangs on Java 17 when the answer is not 100.)
   */
  public Reply postHeadersOnly(String path, String contentType, long declaredLength, Duration patience) {
    URI uri = URI.create(mount + path);
    try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
      socket.setSoTimeout((int) patience.toMillis());
      OutputStream out = socket.getOutputStream();
      out.write(("POST " + uri.getRawPath() + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort()
          + "\r\nContent-Type: " + contentType + "\r\nContent-Length: " + declaredLength
          + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      return conforming("POST", path, new String[] {"Content-Type", contentType}, null,
          RawHttp.readResponse(new BufferedInputStream(socket.getInputStream())));
    } catch (SocketTimeoutException e) {
      throw new AssertionError("no answer without the body: the binding waits for (buffers) the request body", e);
    } catch (IOException e) {
      throw new UncheckedIOException("POST " + uri + " failed", e);
    }
  }

  /** A POST whose answer is read line by line as it arrives ({@code \r\n} or {@code \n} separated). */
  public HttpResponse<java.util.stream.Stream<String>> postLines(String path, String contentType,
                                                                HttpRequest.BodyPublisher body) {
    try {
      HttpResponse<java.util.stream.Stream<String>> response = client.send(
          request("POST", path, body, "Content-Type", contentType), HttpResponse.BodyHandlers.ofLines());
      if (contract == null) {
        return response;
      }
      String type = response.headers().firstValue("Content-Type").orElse(null);
      java.util.stream.Stream<String> checked = response.body().peek(line -> {
        if (!line.isBlank()) {
          conforming("POST", path, new String[0], null, new Reply(response.statusCode(), type, line));
        }
      });
      return new LinesResponse(response, checked);
    } catch (IOException e) {
      throw new UncheckedIOException("POST " + mount + path + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A GET that does not wait for its answer. */
  public CompletableFuture<Reply> getAsync(String path, String... headers) {
    return client.sendAsync(request("GET", path, HttpRequest.BodyPublishers.noBody(), headers),
        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8))
        .thenApply(response -> conforming("GET", path, headers, "", reply(response)));
  }

  /** A call whose body is any publisher; the request body is not checked against the document, the answer is. */
  public Reply send(String method, String path, HttpRequest.BodyPublisher body, String... headers) {
    return send(method, path, null, body, headers);
  }

  private Reply send(String method, String path, String bodyText, HttpRequest.BodyPublisher body,
                     String... headers) {
    try {
      return conforming(method, path, headers, bodyText, reply(client.send(request(method, path, body, headers),
          HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8))));
    } catch (IOException e) {
      throw new UncheckedIOException(method + " " + mount + path + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private HttpRequest request(String method, String path, HttpRequest.BodyPublisher body, String... headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(mount + path))
        .timeout(Duration.ofSeconds(60))
        .method(method, body);
    if (headers.length > 0) {
      request.headers(headers);
    }
    return request.build();
  }

  /** The reply, once it and (if accepted) its request fit the document; {@code requestBody} null: not known. */
  private Reply conforming(String method, String path, String[] headers, String requestBody, Reply reply) {
    if (contract == null) {
      return reply;
    }
    List<String> problems = new ArrayList<>(contract.check(method, path, reply.status(), reply.contentType(),
        reply.body()));
    if (reply.status() / 100 == 2) {
      List<String> names = new ArrayList<>();
      String contentType = null;
      for (int i = 0; i + 1 < headers.length; i += 2) {
        names.add(headers[i]);
        if (headers[i].equalsIgnoreCase("Content-Type")) {
          contentType = headers[i + 1];
        }
      }
      problems.addAll(contract.checkRequest(method, path, names, contentType, requestBody));
    }
    if (!problems.isEmpty()) {
      throw new AssertionError("The exchange does not fit the OpenAPI document the proxy serves ("
          + OpenApiEndpoint.RESOURCE + "):\n  " + String.join("\n  ", problems));
    }
    return reply;
  }

  /** A lines answer whose body stream checks each line as the test reads it. */
  private record LinesResponse(HttpResponse<java.util.stream.Stream<String>> response,
                               java.util.stream.Stream<String> body)
      implements HttpResponse<java.util.stream.Stream<String>> {
    @Override public int statusCode() {
      return response.statusCode();
    }

    @Override public HttpRequest request() {
      return response.request();
    }

    @Override public Optional<HttpResponse<java.util.stream.Stream<String>>> previousResponse() {
      return response.previousResponse();
    }

    @Override public java.net.http.HttpHeaders headers() {
      return response.headers();
    }

    @Override public Optional<javax.net.ssl.SSLSession> sslSession() {
      return response.sslSession();
    }

    @Override public URI uri() {
      return response.uri();
    }

    @Override public HttpClient.Version version() {
      return response.version();
    }
  }

  private static Reply reply(HttpResponse<String> response) {
    return new Reply(response.statusCode(), response.headers().firstValue("Content-Type").orElse(null),
        response.body());
  }

  private static String[] withContentType(String contentType, String... headers) {
    String[] all = new String[headers.length + 2];
    all[0] = "Content-Type";
    all[1] = contentType;
    System.arraycopy(headers, 0, all, 2, headers.length);
    return all;
  }
}
