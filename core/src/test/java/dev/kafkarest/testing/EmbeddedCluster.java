package dev.kafkarest.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import kafka.server.KafkaRaftServer;

/**
 * A real three-broker Kafka cluster (KRaft), bound to 127.0.0.1 only: one controller (node 0) and brokers 1, 2 and 3,
 * so that stopping a broker never moves the controller. Internal topics are replicated three times with a minimum ISR
 * of two, as in production. Brokers run in this JVM, except those asked to run in a JVM of their own, which
 * {@link #kill(int)} ends with SIGKILL: a crash, with no controlled shutdown. {@link #stop(int)} and
 * {@link #restart(int)} keep a broker's ports and data.
 */
public final class EmbeddedCluster implements AutoCloseable {
  public static final int BROKERS = 3;
  private static final int CONTROLLER_ID = 0;
  private static final String READY = "CLUSTER-BROKER-READY";
  /** The controller fences a broker whose heartbeats stop for this long (Kafka's default is 9 s). */
  private static final String SESSION_TIMEOUT_MS = "6000";

  private final Path dir;
  private final String clusterId = KraftNode.newClusterId();
  private final int controllerPort;
  private final Map<Integer, Integer> brokerPorts = new LinkedHashMap<>();
  private final Map<Integer, KafkaRaftServer> running = new HashMap<>();
  private final Set<Integer> ownJvm;
  private final Map<Integer, Process> processes = new HashMap<>();

  public EmbeddedCluster() throws Exception {
    this(Set.of());
  }

  /** {@code brokersInOwnJvm}: the ids of the brokers to run as child processes, so that they can be killed. */
  public EmbeddedCluster(Set<Integer> brokersInOwnJvm) throws Exception {
    ownJvm = Set.copyOf(brokersInOwnJvm);
    dir = Files.createTempDirectory("kraft-cluster-");
    controllerPort = KraftNode.freePort();
    for (int id = 1; id <= BROKERS; id++) {
      brokerPorts.put(id, KraftNode.freePort());
    }
    format(CONTROLLER_ID);
    brokerPorts.keySet().forEach(this::format);
    start(CONTROLLER_ID);
    // A broker's startup returns once it is registered and unfenced; the three can do that at the same time.
    CompletableFuture.allOf(brokerPorts.keySet().stream()
        .map(id -> CompletableFuture.runAsync(() -> start(id)))
        .toArray(CompletableFuture[]::new)).join();
  }

  /** Every broker's address, stopped or not: clients find the live ones. */
  public String bootstrapServers() {
    return brokerPorts.values().stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
  }

  /** Stops broker {@code id} (a controlled shutdown: its leaderships move first), keeping its data and ports. */
  public void stop(int id) {
    KafkaRaftServer server;
    Process process;
    synchronized (this) {
      server = running.remove(id);
      process = processes.remove(id);
    }
    if (server != null) {
      KraftNode.stop(server);
    }
    if (process != null) {
      try {
        process.getOutputStream().close(); // the child shuts its broker down when its input ends
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      } catch (IOException | InterruptedException e) {
        process.destroyForcibly();
        throw new IllegalStateException("could not stop broker " + id, e);
      }
    }
  }

  /**
   * SIGKILL for a broker that runs in its own JVM: it answers nothing more, and the controller fences it only when
   * its session times out. Its data stays, for {@link #restart(int)}.
   */
  public void kill(int id) throws InterruptedException {
    Process process;
    synchronized (this) {
      process = processes.remove(id);
    }
    if (process == null) {
      throw new IllegalStateException("broker " + id + " does not run in a JVM of its own, or is not running");
    }
    process.destroyForcibly();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("broker " + id + " did not die");
    }
  }

  public void restart(int id) {
    stop(id);
    start(id);
  }

  private String logDir(int id) {
    return dir.resolve("node-" + id).toString();
  }

  private Map<String, Object> config(int id) {
    Map<String, Object> p = new HashMap<>();
    p.put("node.id", Integer.toString(id));
    p.put("controller.quorum.voters", CONTROLLER_ID + "@127.0.0.1:" + controllerPort);
    p.put("controller.listener.names", "CONTROLLER");
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.put("log.dirs", logDir(id));
    p.put("broker.session.timeout.ms", SESSION_TIMEOUT_MS);
    p.put("broker.heartbeat.interval.ms", "1000");
    if (id == CONTROLLER_ID) {
      p.put("process.roles", "controller");
      p.put("listeners", "CONTROLLER://127.0.0.1:" + controllerPort);
      return p;
    }
    int port = brokerPorts.get(id);
    p.put("process.roles", "broker");
    p.put("listeners", "PLAINTEXT://127.0.0.1:" + port);
    p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
    p.put("inter.broker.listener.name", "PLAINTEXT");
    KraftNode.putBrokerDefaults(p, 3, 2);
    p.put("default.replication.factor", "3");
    p.put("min.insync.replicas", "2");
    p.put("transaction.state.log.num.partitions", "3"); // 50 by default: slow to create on a small machine
    p.put("auto.create.topics.enable", "false");
    return p;
  }

  private void format(int id) {
    try {
      KraftNode.format(id, clusterId, logDir(id));
    } catch (Exception e) {
      throw new IllegalStateException("could not format node " + id, e);
    }
  }

  private void start(int id) {
    if (ownJvm.contains(id)) {
      startProcess(id);
      return;
    }
    KafkaRaftServer server = KraftNode.start(config(id));
    synchronized (this) {
      running.put(id, server);
    }
  }

  private void startProcess(int id) {
    List<String> command = new ArrayList<>(List.of(ChildJvm.java(), "-Xmx256m", "-cp",
        System.getProperty("java.class.path"), EmbeddedCluster.class.getName()));
    config(id).forEach((k, v) -> command.add(k + "=" + v));
    Process process;
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new IllegalStateException("could not start broker " + id, e);
    }
    CompletableFuture<String> ready = ChildJvm.awaitLine(process, READY::equals, "the broker process",
        "cluster-broker-" + id + "-output");
    try {
      ready.get(120, TimeUnit.SECONDS);
    } catch (Exception e) {
      process.destroyForcibly();
      throw new IllegalStateException("broker " + id + " did not start in its own JVM", e);
    }
    synchronized (this) {
      processes.put(id, process);
    }
  }

  /** The child: one broker, configured by {@code key=value} arguments, until its standard input ends. */
  public static void main(String[] args) throws Exception {
    Map<String, Object> config = new HashMap<>();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      config.put(arg.substring(0, eq), arg.substring(eq + 1));
    }
    KafkaRaftServer server = KraftNode.start(config);
    System.out.println(READY);
    System.out.flush();
    ChildJvm.awaitEndOfInput(); // the test JVM stops this broker (or is gone)
    KraftNode.stop(server);
  }

  @Override
  public void close() throws IOException {
    List<Integer> brokers = new ArrayList<>(brokerPorts.keySet());
    brokers.forEach(this::stop);
    stop(CONTROLLER_ID);
    KraftNode.deleteTree(dir);
  }
}
