package dev.kafkarest.servlet.jetty;

import dev.kafkarest.KafkaRest;
import dev.kafkarest.KafkaRestConfig;
import dev.kafkarest.servlet.KafkaRestServlet;
import dev.kafkarest.testing.ChildJvm;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A durable-mode proxy node in a JVM of its own: one {@code KafkaRest} behind its own Jetty on a free 127.0.0.1
 * port, on the test's classpath. {@link #kill()} ends it with SIGKILL: no shutdown hook runs, nothing is
 * committed, no consumer leaves its group, the HTTP port just stops answering, as when a host's JVM dies.
 * {@link #close()} stops it in order (its input ends: Jetty stops, then the proxy closes).
 */
final class DurableNodeProcess implements AutoCloseable {
  private static final String READY = "DURABLE-NODE-READY ";
  /** The exit status the JDK reports for a process ended by signal 9 (128 + 9). */
  static final int KILLED = 137;

  private final Process process;
  private final Path log;
  private final URI mount;

  private DurableNodeProcess(Process process, Path log, URI mount) {
    this.process = process;
    this.log = log;
    this.mount = mount;
  }

  /**
   * Starts a node named {@code nodeId} on {@code bootstrap} with the state topic {@code stateTopic}; {@code settings}
   * are further proxy settings. Returns once it serves HTTP.
   */
  static DurableNodeProcess start(String bootstrap, String stateTopic, String nodeId, Map<String, String> settings)
      throws Exception {
    Path log = Files.createTempFile("durable-node-" + nodeId + "-", ".log");
    List<String> command = new ArrayList<>(List.of(ChildJvm.java(), "-Xmx256m", "-cp",
        System.getProperty("java.class.path"), DurableNodeProcess.class.getName(), bootstrap, stateTopic, nodeId));
    settings.forEach((k, v) -> command.add(k + "=" + v));
    Process process = new ProcessBuilder(command).redirectError(log.toFile()).start();
    CompletableFuture<String> ready = ChildJvm.awaitLine(process, line -> line.startsWith(READY), "the proxy node",
        "durable-node-" + nodeId + "-output");
    try {
      URI mount = URI.create(ready.get(90, TimeUnit.SECONDS).substring(READY.length()).trim());
      return new DurableNodeProcess(process, log, mount);
    } catch (Exception e) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      throw new IllegalStateException("the proxy node did not start; its log:\n" + tail(log), e);
    }
  }

  /** The absolute URL of the node's mount, e.g. http://127.0.0.1:1234/kafka. */
  URI mount() {
    return mount;
  }

  long pid() {
    return process.pid();
  }

  /** SIGKILL ({@link Process#destroyForcibly()} on Linux); returns the exit status once the process is gone. */
  int kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("the proxy node " + process.pid() + " did not die within 30 s");
    }
    return process.exitValue();
  }

  /** The end of the node's log (its standard error), for a failure message. */
  String logTail() {
    return tail(log);
  }

  @Override
  public void close() throws Exception {
    if (process.isAlive()) {
      process.getOutputStream().close();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
    Files.deleteIfExists(log);
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** The child: {@code bootstrap stateTopic nodeId [key=value ...]}; serves until its standard input ends. */
  public static void main(String[] args) throws Exception {
    KafkaRestConfig.Builder config = KafkaRestConfig.builder().bootstrapServers(args[0])
        .set(KafkaRestConfig.CONSUMER_DURABLE, "true")
        .set(KafkaRestConfig.CONSUMER_STATE_TOPIC, args[1])
        .set(KafkaRestConfig.CONSUMER_NODE_ID, args[2]);
    for (int i = 3; i < args.length; i++) {
      int eq = args[i].indexOf('=');
      config.set(args[i].substring(0, eq), args[i].substring(eq + 1));
    }
    KafkaRest rest = KafkaRest.create(config.build());
    JettyServer server = new JettyServer("", "/kafka/*", new KafkaRestServlet(rest));
    System.out.println(READY + server.mount());
    System.out.flush();
    ChildJvm.awaitEndOfInput(); // the test stops this node in order (or is gone)
    server.close();
    rest.close();
    System.exit(0);
  }
}
