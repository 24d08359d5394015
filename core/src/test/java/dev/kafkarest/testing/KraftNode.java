package dev.kafkarest.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;

/** What {@link EmbeddedKafka} and {@link EmbeddedCluster} do alike to a KRaft node: ports, settings, storage. */
final class KraftNode {
  private KraftNode() {
  }

  static String newClusterId() {
    return Uuid.randomUuid().toString();
  }

  /**
   * The broker settings both share: one partition a topic, internal topics with {@code replicas} copies and a
   * minimum ISR of {@code minIsr}, no rebalance delay and a small cleaner buffer.
   */
  static void putBrokerDefaults(Map<String, Object> p, int replicas, int minIsr) {
    p.put("num.partitions", "1");
    p.put("offsets.topic.replication.factor", Integer.toString(replicas));
    p.put("offsets.topic.num.partitions", "1");
    p.put("transaction.state.log.replication.factor", Integer.toString(replicas));
    p.put("transaction.state.log.min.isr", Integer.toString(minIsr));
    p.put("share.coordinator.state.topic.replication.factor", Integer.toString(replicas));
    p.put("share.coordinator.state.topic.min.isr", Integer.toString(minIsr));
    p.put("group.initial.rebalance.delay.ms", "0");
    p.put("log.cleaner.dedupe.buffer.size", "2097152");
  }

  /** Formats {@code logDir} as the storage of node {@code nodeId} in cluster {@code clusterId}. */
  static void format(int nodeId, String clusterId, String logDir) throws Exception {
    new Formatter()
        .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
        .setNodeId(nodeId)
        .setClusterId(clusterId)
        .setDirectories(List.of(logDir))
        .setMetadataLogDirectory(logDir)
        .setControllerListenerName("CONTROLLER")
        .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
        .run();
  }

  /** Starts a node; returns once it is up (a broker: registered and unfenced). */
  static KafkaRaftServer start(Map<String, Object> config) {
    KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(config, false), Time.SYSTEM);
    server.startup();
    return server;
  }

  /** A controlled shutdown; returns once it is done. */
  static void stop(KafkaRaftServer server) {
    server.shutdown();
    server.awaitShutdown();
  }

  static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      return s.getLocalPort();
    }
  }
}
