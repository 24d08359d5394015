package dev.kafkarest.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kafkarest.http.Json;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A real headless Chromium, driven over the DevTools protocol with the JDK's WebSocket client: it opens one
 * page and evaluates JavaScript in it. {@link #find} looks for the browser on the PATH (Debian's package is
 * {@code chromium}); tests skip when there is none.
 */
final class HeadlessBrowser implements AutoCloseable {
  private static final Duration WAIT = Duration.ofSeconds(30);

  private final Process process;
  private final Path profile;
  private final WebSocket socket;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();

  private HeadlessBrowser(Process process, Path profile, WebSocket socket) {
    this.process = process;
    this.profile = profile;
    this.socket = socket;
  }

  /** The browser executable: {@code CHROMIUM} from the environment, or chromium / chromium-browser on the PATH. */
  static Optional<Path> find() {
    String configured = System.getenv("CHROMIUM");
    if (configured != null && Files.isExecutable(Path.of(configured))) {
      return Optional.of(Path.of(configured));
    }
    String path = System.getenv().getOrDefault("PATH", "");
    for (String dir : path.split(File.pathSeparator)) {
      for (String name : new String[] {"chromium", "chromium-browser"}) {
        Path candidate = Path.of(dir, name);
        if (Files.isExecutable(candidate)) {
          return Optional.of(candidate);
        }
      }
    }
    return Optional.empty();
  }

  /** Starts the browser on {@code url} with a fresh profile, and connects to its page. */
  static HeadlessBrowser open(Path executable, URI url) throws Exception {
    Path profile = Files.createTempDirectory("chromium-profile");
    Process process = new ProcessBuilder(executable.toString(), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--user-data-dir=" + profile, "--remote-debugging-port=0", url.toString())
        .redirectErrorStream(true)
        .redirectOutput(profile.resolve("browser.log").toFile())
        .start();
    try {
      int port = devToolsPort(profile, process);
      HttpClient http = HttpClient.newHttpClient();
      String pageSocket = null;
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (pageSocket == null && System.nanoTime() < deadline) {
        String list = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list")).build(),
            HttpResponse.BodyHandlers.ofString()).body();
        for (JsonNode target : Json.MAPPER.readTree(list)) {
          if (target.path("type").asText().equals("page")) {
            pageSocket = target.get("webSocketDebuggerUrl").asText();
          }
        }
        if (pageSocket == null) {
          Thread.sleep(100);
        }
      }
      if (pageSocket == null) {
        throw new IllegalStateException("the browser opened no page");
      }
      HeadlessBrowser[] self = new HeadlessBrowser[1];
      WebSocket socket = http.newWebSocketBuilder()
          .buildAsync(URI.create(pageSocket), new WebSocket.Listener() {
            private final StringBuilder text = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
              text.append(data);
              if (last) {
                String message = text.toString();
                text.setLength(0);
                self[0].received(message);
              }
              ws.request(1);
              return null;
            }
          }).get(30, TimeUnit.SECONDS);
      self[0] = new HeadlessBrowser(process, profile, socket);
      return self[0];
    } catch (Exception e) {
      process.destroyForcibly();
      delete(profile);
      throw e;
    }
  }

  /** Chromium writes the port it chose into the profile. */
  private static int devToolsPort(Path profile, Process process) throws Exception {
    Path file = profile.resolve("DevToolsActivePort");
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      if (Files.exists(file)) {
        String first = Files.readAllLines(file).stream().findFirst().orElse("");
        if (!first.isBlank()) {
          return Integer.parseInt(first.trim());
        }
      }
      if (!process.isAlive()) {
        throw new IllegalStateException("the browser exited: " + Files.readString(profile.resolve("browser.log")));
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException("the browser did not open its DevTools port");
  }

  private void received(String message) {
    try {
      JsonNode node = Json.MAPPER.readTree(message);
      if (node.has("id")) {
        CompletableFuture<JsonNode> waiting = pending.remove(node.get("id").asInt());
        if (waiting != null) {
          waiting.complete(node);
        }
      }
    } catch (IOException e) {
      // not for us
    }
  }

  /** Evaluates {@code expression} in the page; its value as JSON. */
  JsonNode evaluate(String expression) throws Exception {
    int id = ids.incrementAndGet();
    CompletableFuture<JsonNode> answer = new CompletableFuture<>();
    pending.put(id, answer);
    ObjectNode call = Json.MAPPER.createObjectNode().put("id", id).put("method", "Runtime.evaluate");
    call.putObject("params").put("expression", expression).put("returnByValue", true);
    socket.sendText(Json.MAPPER.writeValueAsString(call), true).get(30, TimeUnit.SECONDS);
    JsonNode reply = answer.get(30, TimeUnit.SECONDS);
    if (reply.has("error") || reply.path("result").has("exceptionDetails")) {
      throw new AssertionError("evaluation failed: " + reply);
    }
    return reply.path("result").path("result").path("value");
  }

  /** Waits until {@code condition} (a JavaScript expression) is true in the page (while loading, it may throw). */
  void await(String condition, String what) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      if (evaluate("(() => { try { return Boolean(" + condition + "); } catch (e) { return false; } })()")
          .asBoolean()) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("the page never showed " + what + "; it shows: "
        + evaluate("document.body.innerText").asText());
  }

  @Override
  public void close() throws Exception {
    try {
      socket.abort();
    } finally {
      process.destroy();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
      delete(profile);
    }
  }

  private static void delete(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
