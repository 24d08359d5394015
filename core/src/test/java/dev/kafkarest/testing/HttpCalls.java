package dev.kafkarest.testing;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Real HTTP calls to a mounted proxy, with the JDK client on HTTP/1.1 (the default h2c upgrade attempt makes
 * some containers log spurious errors). Paths are relative to the mount: {@code get("/topics")}.
 */
public final class HttpCalls {
  private static final HttpClient CLIENT = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5))
      .build();

  private final String mount;
  private final HttpClient client;

  /** {@code mount}: the absolute URL of the mount point without a trailing slash, e.g. http://127.0.0.1:1234/app/kafka. */
  public HttpCalls(URI mount) {
    this(mount, CLIENT);
  }

  /** With a client of the caller's, for example one that trusts a test certificate. */
  public HttpCalls(URI mount, HttpClient client) {
    String text = mount.toString();
    this.mount = text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
    this.client = client;
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
    return send("GET", path, HttpRequest.BodyPublishers.noBody(), headers);
  }

  public Reply delete(String path, String... headers) {
    return send("DELETE", path, HttpRequest.BodyPublishers.noBody(), headers);
  }

  public Reply post(String path, String contentType, String body, String... headers) {
    return send("POST", path, HttpRequest.BodyPublishers.ofString(body), withContentType(contentType, headers));
  }

  /** Any method with a body, e.g. Confluent's GET .../offsets, which reads a JSON body. */
  public Reply call(String method, String path, String contentType, String body, String... headers) {
    return send(method, path, HttpRequest.BodyPublishers.ofString(body), withContentType(contentType, headers));
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
      return RawHttp.readResponse(new BufferedInputStream(socket.getInputStream()));
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
      return client.send(request("POST", path, body, "Content-Type", contentType),
          HttpResponse.BodyHandlers.ofLines());
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
        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8)).thenApply(HttpCalls::reply);
  }

  public Reply send(String method, String path, HttpRequest.BodyPublisher body, String... headers) {
    try {
      return reply(client.send(request(method, path, body, headers),
          HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8)));
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
