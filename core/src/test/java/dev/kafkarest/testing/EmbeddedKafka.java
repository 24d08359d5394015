package dev.kafkarest.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import kafka.server.KafkaRaftServer;

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
      extraListeners.put(name, KraftNode.freePort());
    }
    this.dir = Files.createTempDirectory("kraft-");
    this.logDir = dir.resolve("data").toString();
    this.brokerPort = KraftNode.freePort();
    this.controllerPort = KraftNode.freePort();
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
    KraftNode.putBrokerDefaults(p, 1, 1);
    p.put("auto.create.topics.enable", "true");
    p.putAll(extraConfig);
    return p;
  }

  private void format() throws Exception {
    KraftNode.format(1, KraftNode.newClusterId(), logDir);
  }

  private synchronized void start() {
    server = KraftNode.start(config());
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
      KraftNode.stop(server);
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
    KraftNode.deleteTree(dir);
  }
}
