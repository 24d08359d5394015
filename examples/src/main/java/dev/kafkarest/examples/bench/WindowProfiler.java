package dev.kafkarest.examples.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Profiles the proxy JVM during one measured window only ({@code --profile}): async-profiler runs inside the
 * proxy (see {@link ProxyServer}), started and stopped over HTTP, and writes a flame graph per scenario. Warm-up
 * and start-up stay out of the picture.
 */
final class WindowProfiler {
  private final ProxyProcess proxy;
  private final String event;
  /** The file type, which async-profiler follows: html (a flame graph) or collapsed (folded stacks). */
  private final String output;
  private final Path dir;

  WindowProfiler(ProxyProcess proxy, String event, String output, Path dir) {
    this.proxy = proxy;
    this.event = event;
    this.output = output;
    this.dir = dir;
  }

  void at(boolean start, String label) {
    String file = dir.toAbsolutePath().resolve("profile-" + label + "." + output).toString();
    String command = start ? "start,event=" + event + ",interval=1ms" : "stop,file=" + file;
    try (HttpConn c = new HttpConn(proxy.port)) {
      String path = "/bench/profile?" + URLEncoder.encode(command, StandardCharsets.UTF_8);
      int status = c.exchange(HttpConn.request("GET", proxy.port, path, null, "*/*", null));
      if (status != 200) {
        throw new IOException("profiler answered " + status + ": " + c.bodyText());
      }
      if (!start) {
        System.out.println("profile: " + file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
