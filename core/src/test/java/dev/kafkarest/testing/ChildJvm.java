package dev.kafkarest.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

/**
 * The parts of a test's child JVM (a broker, a proxy node) that every launcher shares: the {@code java} to start,
 * the wait for a marker line on the child's output, and the child's wait for its input to end.
 */
public final class ChildJvm {
  private ChildJvm() {
  }

  /** The {@code java} executable of this JVM. */
  public static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /**
   * Reads {@code process}'s output on a daemon thread named {@code threadName}: the future completes with the first
   * line that {@code marker} accepts, and the rest is drained so that the child never blocks on a full pipe. It
   * fails when the output ends first, saying that {@code what} exited.
   */
  public static CompletableFuture<String> awaitLine(Process process, Predicate<String> marker, String what,
                                                    String threadName) {
    CompletableFuture<String> line = new CompletableFuture<>();
    Thread reader = new Thread(() -> readOutput(process, marker, what, line), threadName);
    reader.setDaemon(true);
    reader.start();
    return line;
  }

  private static void readOutput(Process process, Predicate<String> marker, String what,
                                 CompletableFuture<String> found) {
    try (BufferedReader out = new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null) {
        if (marker.test(line)) {
          found.complete(line);
        }
      }
      found.completeExceptionally(new IOException(what + " exited: " + process.waitFor()));
    } catch (IOException | InterruptedException e) {
      found.completeExceptionally(e);
    }
  }

  /** In the child: returns when its standard input ends (the test JVM stops it, or is gone). Nothing is sent. */
  public static void awaitEndOfInput() throws IOException {
    while (System.in.read() >= 0) {
      // keep reading until the end
    }
  }
}
