package dev.kafkarest.idempotency;

import dev.kafkarest.KafkaRest;
import dev.kafkarest.KafkaRestConfig;
import dev.kafkarest.kafka.KafkaClients;
import dev.kafkarest.testing.ChildJvm;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A proxy node in a JVM of its own that sends one keyed produce request and then stops dead inside its
 * transaction (before or just after the commit), waiting to be killed with SIGKILL: what a crashed node leaves
 * behind, with no close and no abort.
 */
final class ProxyNodeProcess implements AutoCloseable {
  static final String BEFORE_COMMIT = "before-commit";
  static final String AFTER_COMMIT = "after-commit";
  private static final String STOPPED = "STOPPED-IN-TRANSACTION";

  private final Process process;
  private final CompletableFuture<String> stopped;

  private ProxyNodeProcess(Process process) {
    this.process = process;
    this.stopped = ChildJvm.awaitLine(process, STOPPED::equals, "the proxy node", "proxy-node-output");
  }

  /** Starts the node; it sends {@code body} to {@code path} with {@code key} and stops where {@code mode} says. */
  static ProxyNodeProcess start(String bootstrap, String markerTopic, String nodeId, String mode, String path,
                                String body, String key) throws IOException {
    Process p = new ProcessBuilder(ChildJvm.java(), "-Xmx256m", "-cp", System.getProperty("java.class.path"),
        ProxyNodeProcess.class.getName(), bootstrap, markerTopic, nodeId, mode, path, body, key)
        .redirectErrorStream(true)
        .start();
    return new ProxyNodeProcess(p);
  }

  /** Waits until the node is stopped inside its transaction. */
  void awaitStopped() throws Exception {
    stopped.get(90, TimeUnit.SECONDS);
  }

  /** SIGKILL: no shutdown hook, no close, no abort. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    kill();
  }

  /** The child. */
  public static void main(String[] args) throws Exception {
    String bootstrap = args[0];
    String mode = args[3];
    Thread parent = new Thread(() -> {
      try {
        while (System.in.read() >= 0) {
          // end of input: the test JVM is gone
        }
      } catch (IOException ignored) {
        // gone as well
      }
      Runtime.getRuntime().halt(1);
    });
    parent.setDaemon(true);
    parent.start();
    KafkaRestConfig config = KafkaRestConfig.builder().bootstrapServers(bootstrap)
        .set(KafkaRestConfig.ID, args[2])
        .set(KafkaRestConfig.IDEMPOTENCY_TOPIC, args[1])
        .set(KafkaRestConfig.IDEMPOTENCY_TOPIC_PARTITIONS, "3")
        .set(KafkaRestConfig.IDEMPOTENCY_REQUEST_TIMEOUT_MS, "5000")
        .build();
    KafkaClients real = KafkaClients.standard();
    KafkaClients stopping = new KafkaClients() {
      @Override
      public Producer<byte[], byte[]> producer(Map<String, Object> properties) {
        if (!properties.containsKey("transactional.id")) {
          return real.producer(properties);
        }
        return new KafkaProducer<>(properties, new ByteArraySerializer(), new ByteArraySerializer()) {
          @Override
          public void commitTransaction() {
            if (mode.equals(AFTER_COMMIT)) {
              super.commitTransaction();
            } else {
              flush(); // every record of the request is on the broker, in the open transaction
            }
            System.out.println(STOPPED);
            System.out.flush();
            while (true) {
              try {
                Thread.sleep(60_000);
              } catch (InterruptedException ignored) {
                // wait for the kill
              }
            }
          }
        };
      }

      @Override
      public Consumer<byte[], byte[]> consumer(Map<String, Object> properties) {
        return real.consumer(properties);
      }

      @Override
      public Admin admin(Map<String, Object> properties) {
        return real.admin(properties);
      }
    };
    KafkaRest rest = KafkaRest.builder(config).clients(stopping).build();
    KeyedCalls.send(rest, args[4], KeyedCalls.V2_JSON, args[5], null, "Idempotency-Key", args[6]);
    Thread.sleep(Long.MAX_VALUE);
  }
}
