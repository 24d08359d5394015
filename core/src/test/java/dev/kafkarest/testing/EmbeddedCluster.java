package dev.kafkarest.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A real three-broker Kafka cluster in this JVM (KRaft), bound to 127.0.0.1 only: one controller (node 0) and brokers
 * 1, 2 and 3, so that stopping a broker never moves the controller. Internal topics are replicated three times with a
 * minimum ISR of two, as in production. {@link #stop(int)} and {@link #restart(int)} keep a broker's ports and data.
 */
public final class EmbeddedCluster implements AutoCloseable {
  public static final int BROKERS = 3;
  private static final int CONTROLLER_ID = 0;

  private final Path dir;
  private final String clusterId = Uuid.randomUuid().toString();
  private final int controllerPort;
  private final Map<Integer, Integer> brokerPorts = new LinkedHashMap<>();
  private final Map<Integer, KafkaRaftServer> running = new HashMap<>();

  public EmbeddedCluster() throws Exception {
    dir = Files.createTempDirectory("kraft-cluster-");
    controllerPort = freePort();
    for (int id = 1; id <= BROKERS; id++) {
      brokerPorts.put(id, freePort());
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
    synchronized (this) {
      server = running.remove(id);
    }
    if (server != null) {
      server.shutdown();
      server.awaitShutdown();
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
    p.put("num.partitions", "1");
    p.put("default.replication.factor", "3");
    p.put("min.insync.replicas", "2");
    p.put("offsets.topic.replication.factor", "3");
    p.put("offsets.topic.num.partitions", "1");
    p.put("transaction.state.log.replication.factor", "3");
    p.put("transaction.state.log.min.isr", "2");
    p.put("transaction.state.log.num.partitions", "3"); // 50 by default: slow to create on a small machine
    p.put("share.coordinator.state.topic.replication.factor", "3");
    p.put("share.coordinator.state.topic.min.isr", "2");
    p.put("group.initial.rebalance.delay.ms", "0");
    p.put("log.cleaner.dedupe.buffer.size", "2097152");
    p.put("auto.create.topics.enable", "false");
    return p;
  }

  private void format(int id) {
    try {
      new Formatter()
          .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
          .setNodeId(id)
          .setClusterId(clusterId)
          .setDirectories(List.of(logDir(id)))
          .setMetadataLogDirectory(logDir(id))
          .setControllerListenerName("CONTROLLER")
          .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
          .run();
    } catch (Exception e) {
      throw new IllegalStateException("could not format node " + id, e);
    }
  }

  private void start(int id) {
    KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(config(id), false), Time.SYSTEM);
    server.startup();
    synchronized (this) {
      running.put(id, server);
    }
  }

  @Override
  public void close() throws IOException {
    List<Integer> brokers = new ArrayList<>(brokerPorts.keySet());
    brokers.forEach(this::stop);
    stop(CONTROLLER_ID);
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      return s.getLocalPort();
    }
  }
}
