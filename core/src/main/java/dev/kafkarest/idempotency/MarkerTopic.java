package dev.kafkarest.idempotency;

import dev.kafkarest.kafka.KafkaClients;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The compacted marker topic and this node's copy of it: one thread reads every partition from the beginning with
 * {@code read_committed} (no group, so nothing to rebalance) and applies each record to {@link KeyStates}. An
 * answer written in a transaction is seen only once that transaction committed; an aborted one never.
 */
final class MarkerTopic implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MarkerTopic.class);
  private static final long PURGE_EVERY_MS = 60_000;

  private final String topic;
  private final KeyStates states;
  private final Consumer<byte[], byte[]> consumer;
  private final int partitions;
  private final Thread reader;
  private volatile boolean closed;
  private volatile Throwable failure;

  private MarkerTopic(String topic, KeyStates states, Consumer<byte[], byte[]> consumer, int partitions) {
    this.topic = topic;
    this.states = states;
    this.consumer = consumer;
    this.partitions = partitions;
    this.reader = new Thread(this::read, "kafka-rest-idempotency-reader");
    this.reader.setDaemon(true);
  }

  /** Creates the topic when it is missing, then starts reading it from the beginning. Blocks (call off-request). */
  static MarkerTopic open(IdempotencySettings settings, Admin admin, KafkaClients clients,
                          Map<String, Object> consumerProperties, KeyStates states) throws Exception {
    ensureTopic(settings, admin);
    Map<String, Object> props = new java.util.HashMap<>(consumerProperties);
    props.remove("group.id");
    props.remove("group.instance.id");
    props.put("isolation.level", "read_committed");
    props.put("enable.auto.commit", "false");
    props.put("auto.offset.reset", "earliest");
    props.putIfAbsent("client.id", "kafka-rest-idempotency-reader");
    Consumer<byte[], byte[]> consumer = clients.consumer(props);
    try {
      // Just after the topic is created the broker's metadata may not list it yet: ask again, within the bound.
      long deadline = System.nanoTime() + settings.requestTimeoutMs() * 1_000_000;
      List<PartitionInfo> infos = consumer.partitionsFor(settings.topic(), Duration.ofMillis(settings.requestTimeoutMs()));
      while ((infos == null || infos.isEmpty()) && System.nanoTime() - deadline < 0) {
        Thread.sleep(100);
        infos = consumer.partitionsFor(settings.topic(), Duration.ofMillis(settings.requestTimeoutMs()));
      }
      if (infos == null || infos.isEmpty()) {
        throw new IllegalStateException("the topic " + settings.topic() + " has no partitions");
      }
      List<TopicPartition> all = new ArrayList<>();
      infos.forEach(i -> all.add(new TopicPartition(i.topic(), i.partition())));
      consumer.assign(all);
      consumer.seekToBeginning(all);
      MarkerTopic marker = new MarkerTopic(settings.topic(), states, consumer, all.size());
      marker.reader.start();
      return marker;
    } catch (Exception e) {
      consumer.close(Duration.ZERO);
      throw e;
    }
  }

  private static void ensureTopic(IdempotencySettings settings, Admin admin) throws Exception {
    long timeout = settings.requestTimeoutMs();
    Set<String> names = admin.listTopics().names().get(timeout, TimeUnit.MILLISECONDS);
    if (names.contains(settings.topic())) {
      return;
    }
    Optional<Short> replication = settings.replicationFactor() > 0
        ? Optional.of((short) settings.replicationFactor()) : Optional.empty();
    NewTopic newTopic = new NewTopic(settings.topic(), Optional.of(settings.partitions()), replication)
        .configs(Map.of(
            // compaction keeps each key's latest answer; delete drops what is older than the retention
            "cleanup.policy", "compact,delete",
            "retention.ms", Long.toString(settings.retentionMs() + settings.requestTimeoutMs())));
    try {
      admin.createTopics(List.of(newTopic)).all().get(timeout, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw e;
      }
    }
  }

  String topic() {
    return topic;
  }

  /** All records of one scoped key go to this partition, so every node sees them in one order. */
  int partition(String scopedKey) {
    return Utils.toPositive(Utils.murmur2(scopedKey.getBytes(java.nio.charset.StandardCharsets.UTF_8))) % partitions;
  }

  /** Why the reader cannot read the topic right now, or null. */
  Throwable failure() {
    return failure;
  }

  private void read() {
    long nextPurge = System.nanoTime() + PURGE_EVERY_MS * 1_000_000;
    while (!closed) {
      try {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(500));
        for (ConsumerRecord<byte[], byte[]> r : records) {
          String key = Marker.scopedKey(r.key());
          Marker marker = key == null ? null : Marker.decode(r.value());
          if (marker != null) {
            states.apply(key, marker);
          }
        }
        failure = null;
        if (System.nanoTime() - nextPurge > 0) {
          states.purge();
          nextPurge = System.nanoTime() + PURGE_EVERY_MS * 1_000_000;
        }
      } catch (WakeupException e) {
        // close() woke us
      } catch (Exception e) {
        if (closed) {
          break;
        }
        failure = e;
        log.warn("Reading the idempotency topic {} failed; retrying", topic, e);
        states.failPending(e);
        try {
          Thread.sleep(1000);
        } catch (InterruptedException ie) {
          break;
        }
      }
    }
    try {
      consumer.close(Duration.ofSeconds(5));
    } catch (RuntimeException e) {
      log.debug("Closing the idempotency reader failed", e);
    }
  }

  @Override
  public void close() {
    closed = true;
    consumer.wakeup();
    try {
      reader.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
