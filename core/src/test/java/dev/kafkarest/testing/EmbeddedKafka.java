package dev.kafkarest.testing;

import java.io.IOException;
import java.io.PrintStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A real single-node Kafka (KRaft, broker and controller in one process) bound to 127.0.0.1 only. It uses
 * Kafka's internal server classes, so re-run the tests on every Kafka version bump. {@link #stop()} and
 * {@link #restart()} keep the ports and the data, for fault tests.
 */
public final class EmbeddedKafka implements AutoCloseable {
  private final Path dir;
  private final String logDir;
  private final int brokerPort;
  private final int controllerPort;
  private final Map<String, Object> extraConfig;
  private final Map<String, Integer> extraListeners = new java.util.LinkedHashMap<>();
  private KafkaRaftServer server;

  public EmbeddedKafka() throws Exception {
    this(Map.of());
  }

  /** {@code extraConfig} overrides or adds broker settings (for example {@code auto.create.topics.enable}). */
  public EmbeddedKafka(Map<String, Object> extraConfig) throws Exception {
    this(extraConfig, List.of());
  }

  /**
   * A broker with additional client listeners, each named after its security protocol ({@code SASL_PLAINTEXT},
   * {@code SSL}); {@code extraConfig} carries their settings (JAAS users, keystores). Inter-broker traffic stays on
   * PLAINTEXT.
   */
  public EmbeddedKafka(Map<String, Object> extraConfig, List<String> securedListeners) throws Exception {
    this.extraConfig = Map.copyOf(extraConfig);
    for (String name : securedListeners) {
      extraListeners.put(name, freePort());
    }
    this.dir = Files.createTempDirectory("kraft-");
    this.logDir = dir.resolve("data").toString();
    this.brokerPort = freePort();
    this.controllerPort = freePort();
    format();
    start();
  }

  private Map<String, Object> config() {
    Map<String, Object> p = new HashMap<>();
    p.put("process.roles", "broker,controller");
    p.put("node.id", "1");
    p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
    StringBuilder listeners = new StringBuilder("PLAINTEXT://127.0.0.1:" + brokerPort);
    StringBuilder protocols = new StringBuilder("PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    extraListeners.forEach((name, port) -> {
      listeners.append(',').append(name).append("://127.0.0.1:").append(port);
      protocols.append(',').append(name).append(':').append(name);
    });
    p.put("listeners", listeners + ",CONTROLLER://127.0.0.1:" + controllerPort);
    p.put("advertised.listeners", listeners.toString());
    p.put("listener.security.protocol.map", protocols.toString());
    p.put("controller.listener.names", "CONTROLLER");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("log.dirs", logDir);
    p.put("num.partitions", "1");
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "1");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("group.initial.rebalance.delay.ms", "0");
    p.put("log.cleaner.dedupe.buffer.size", "2097152");
    p.put("auto.create.topics.enable", "true");
    p.putAll(extraConfig);
    return p;
  }

  private void format() throws Exception {
    new Formatter()
        .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
        .setNodeId(1)
        .setClusterId(Uuid.randomUuid().toString())
        .setDirectories(List.of(logDir))
        .setMetadataLogDirectory(logDir)
        .setControllerListenerName("CONTROLLER")
        .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
        .run();
  }

  private synchronized void start() {
    server = new KafkaRaftServer(new KafkaConfig(config(), false), Time.SYSTEM);
    server.startup();
  }

  public String bootstrapServers() {
    return "127.0.0.1:" + brokerPort;
  }

  /** The address of an additional listener given to the constructor, such as {@code SSL}. */
  public String bootstrapServers(String listener) {
    Integer port = extraListeners.get(listener);
    if (port == null) {
      throw new IllegalArgumentException("no listener " + listener);
    }
    return "127.0.0.1:" + port;
  }

  /** Stops the broker, keeping its data and ports, so that {@link #restart()} brings the same cluster back. */
  public synchronized void stop() {
    if (server != null) {
      server.shutdown();
      server.awaitShutdown();
      server = null;
    }
  }

  public synchronized void restart() {
    stop();
    start();
  }

  @Override
  public void close() throws IOException {
    stop();
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
