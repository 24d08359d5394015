package dev.kafkarest.http;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sends a request that this node cannot serve to the node that can (another proxy node's mount), and turns its
 * answer back into a {@link RestResponse}. Asynchronous: the caller's thread goes back to its container while the
 * other node works. Uses the JDK's HTTP client on HTTP/1.1 with kept-alive connections, and one small pool of its
 * own threads, which also runs what the caller does with the outcome. {@link #close} stops them.
 *
 * <p>What travels: method, the (still encoded) path below the mount, the query, the body, and every end-to-end
 * header, {@code Authorization} included, so the other node's container authenticates the caller again; not the
 * hop-by-hop headers, {@code Host} or {@code Content-Length} (the client sets them), and a {@value #MARKER} header
 * naming this node, so the other node never forwards the request again.
 */
public final class NodeForwarder implements AutoCloseable {
  /** Marks a forwarded request: a node that receives it serves it itself. It grants nothing. */
  public static final String MARKER = "Kafka-Rest-Forwarded-By";
  /** The longest wait for a connection to the other node; past it that node counts as unreachable. */
  public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);
  private static final int THREADS = 4;

  /** Headers of one connection, not of the request (RFC 9110 7.6.1), and those the client sets itself. */
  private static final Set<String> NOT_FORWARDED = caseInsensitive("Connection", "Keep-Alive",
      "Proxy-Connection", "Proxy-Authenticate", "Proxy-Authorization", "TE", "Trailer", "Transfer-Encoding",
      "Upgrade", "Host", "Content-Length", "Expect", "HTTP2-Settings", MARKER);
  /** Answer headers the container writes itself. */
  private static final Set<String> NOT_RELAYED = caseInsensitive("Connection", "Keep-Alive", "Proxy-Connection",
      "Transfer-Encoding", "Trailer", "Upgrade", "Content-Length", "Date", "Server");

  /** What became of a forwarded request. */
  public sealed interface Outcome {}

  /** The other node answered; {@code response} is its answer, to relay as it is. */
  public record Answered(RestResponse response) implements Outcome {}

  /** The request certainly did not reach the other node: refused, or no connection within the connect bound. */
  public record Unreachable(Throwable cause) implements Outcome {}

  /** The other node did not answer within the bound. */
  public record TimedOut() implements Outcome {}

  /** The exchange broke after the request may have reached the other node (the connection dropped). */
  public record Broken(Throwable cause) implements Outcome {}

  private final String nodeName;
  private final ThreadPoolExecutor executor;
  /** Null once closed: the JDK client's selector thread ends once nothing references the client. */
  private volatile HttpClient client;

  /** {@code nodeName}: this node's name, sent in the {@value #MARKER} header (for the other node's logs). */
  public NodeForwarder(String nodeName) {
    this.nodeName = nodeName;
    AtomicInteger n = new AtomicInteger();
    this.executor = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
      Thread t = new Thread(r, "kafka-rest-forward-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    this.executor.allowCoreThreadTimeOut(true);
    this.client = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1) // no h2c upgrade attempt on plain http
        .connectTimeout(CONNECT_TIMEOUT)
        .followRedirects(HttpClient.Redirect.NEVER)
        .executor(executor())
        .build();
  }

  /** Whether a request came from another node. */
  public static boolean forwarded(RestRequest request) {
    return request.header(MARKER).isPresent();
  }

  /**
   * A node's base URL as configured: absolute http or https, with a host, no query or fragment; returned without
   * a trailing slash. Throws {@link IllegalArgumentException} otherwise.
   */
  public static String baseUrl(String text) {
    String trimmed = text.trim();
    while (trimmed.endsWith("/")) {
      trimmed = trimmed.substring(0, trimmed.length() - 1);
    }
    try {
      URI uri = new URI(trimmed);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null
          || uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
        throw new IllegalArgumentException("not an absolute http(s) URL with a host and no query: " + text);
      }
      return trimmed;
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("not a URL: " + text, e);
    }
  }

  /**
   * The pool that completes every outcome; a caller's fallback may run on it (it may wait for the store). Once
   * closed, a task runs on the thread that hands it over, so that every request still gets its answer.
   */
  public Executor executor() {
    return task -> {
      try {
        executor.execute(task);
      } catch (RejectedExecutionException e) {
        task.run();
      }
    };
  }

  /**
   * Sends {@code request} (its body already read: {@code body}) to the mount at {@code baseUrl}. The stage never
   * fails: it completes with an {@link Outcome} within {@code bound} (plus the connect bound) at most.
   */
  public CompletableFuture<Outcome> forward(String baseUrl, RestRequest request, byte[] body, Duration bound) {
    HttpRequest outgoing;
    try {
      outgoing = outgoing(baseUrl, request, body, bound);
    } catch (IllegalArgumentException e) {
      return CompletableFuture.completedFuture(new Unreachable(e));
    }
    HttpClient http = client;
    if (http == null) {
      return CompletableFuture.completedFuture(new Unreachable(new IllegalStateException("closed")));
    }
    CompletableFuture<Outcome> outcome;
    try {
      outcome = http.sendAsync(outgoing, HttpResponse.BodyHandlers.ofByteArray())
          .thenApply(NodeForwarder::answered);
    } catch (RuntimeException e) { // closed, or a header the client refuses
      return CompletableFuture.completedFuture(new Unreachable(e));
    }
    // The request timeout ends the wait for the answer's head; this one also bounds its body.
    return outcome.orTimeout(bound.plus(CONNECT_TIMEOUT).toMillis(), TimeUnit.MILLISECONDS)
        .exceptionally(NodeForwarder::failed);
  }

  private HttpRequest outgoing(String baseUrl, RestRequest request, byte[] body, Duration bound) {
    StringBuilder uri = new StringBuilder(baseUrl).append(request.path());
    String query = query(request.query());
    if (!query.isEmpty()) {
      uri.append('?').append(query);
    }
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(uri.toString()))
        .timeout(bound)
        .method(request.method(), body.length == 0 && !request.header("Content-Type").isPresent()
            ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    forwardedHeaders(request.headers()).forEach((name, values) -> values.forEach(v -> header(b, name, v)));
    b.setHeader(MARKER, nodeName);
    return b.build();
  }

  private static void header(HttpRequest.Builder b, String name, String value) {
    try {
      b.header(name, value);
    } catch (IllegalArgumentException e) {
      // a header the JDK client sets itself or refuses (restricted, or not valid in HTTP/1.1): not sent
    }
  }

  /**
   * The request headers another node gets: every one except those of the connection (also any that
   * {@code Connection} names), those the client sets itself, and a marker the caller sent (the client sets its own).
   */
  public static Map<String, List<String>> forwardedHeaders(Headers headers) {
    Set<String> skip = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    skip.addAll(NOT_FORWARDED);
    for (String connection : headers.all("Connection")) {
      for (String token : connection.split(",")) {
        skip.add(token.trim());
      }
    }
    Map<String, List<String>> out = new LinkedHashMap<>();
    headers.asMap().forEach((name, values) -> {
      if (!skip.contains(name) && !name.startsWith(":")) {
        out.put(name, values);
      }
    });
    return out;
  }

  /** The answer headers to relay: every one except those of the connection and those the container writes. */
  public static Map<String, List<String>> relayedHeaders(Map<String, List<String>> headers) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    headers.forEach((name, values) -> {
      if (!NOT_RELAYED.contains(name) && !name.startsWith(":")) {
        out.put(name, values);
      }
    });
    return out;
  }

  private static Outcome answered(HttpResponse<byte[]> response) {
    byte[] body = response.body() == null ? new byte[0] : response.body();
    return new Answered(new RestResponse(response.statusCode(), relayedHeaders(response.headers().map()),
        body.length == 0 ? Body.EMPTY : Body.of(body)));
  }

  private static Outcome failed(Throwable failure) {
    Throwable cause = failure instanceof CompletionException && failure.getCause() != null
        ? failure.getCause() : failure;
    if (cause instanceof HttpConnectTimeoutException || cause instanceof ConnectException
        || cause instanceof IllegalArgumentException) {
      return new Unreachable(cause);
    }
    if (cause instanceof HttpTimeoutException || cause instanceof TimeoutException) {
      return new TimedOut();
    }
    if (cause instanceof IOException && cause.getCause() instanceof ConnectException) {
      return new Unreachable(cause);
    }
    return new Broken(cause);
  }

  /** The query as the client sent it, encoded again from its decoded form. */
  private static String query(Map<String, List<String>> query) {
    StringBuilder out = new StringBuilder();
    query.forEach((name, values) -> values.forEach(v -> {
      if (out.length() > 0) {
        out.append('&');
      }
      out.append(encode(name)).append('=').append(encode(v));
    }));
    return out.toString();
  }

  private static String encode(String text) {
    return java.net.URLEncoder.encode(text, java.nio.charset.StandardCharsets.UTF_8);
  }

  private static Set<String> caseInsensitive(String... names) {
    Set<String> set = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    set.addAll(List.of(names));
    return set;
  }

  /**
   * Stops the pool once what it was given has run (dropping queued work would leave requests without an answer),
   * and lets go of the client: its own selector thread ends once nothing references it and its exchanges are done
   * (the JDK's design; its {@code close}, from Java 21, would wait for them here). An outcome that completes after
   * this runs its actions on the completing thread.
   */
  @Override
  public void close() {
    client = null;
    executor.shutdown();
  }
}
