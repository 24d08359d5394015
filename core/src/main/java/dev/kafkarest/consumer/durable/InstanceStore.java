package dev.kafkarest.consumer.durable;

import dev.kafkarest.KafkaRestConfig;
import dev.kafkarest.consumer.ConsumerInstanceId;
import dev.kafkarest.kafka.KafkaClients;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.MemberToRemove;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.RemoveMembersFromConsumerGroupOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable state of every consumer instance, in a compacted Kafka topic that each node reads from the
 * beginning and keeps materialised in memory. Writes go through a producer and are confirmed by the broker; a
 * node sees its own and everyone else's writes when its reader thread reaches them ({@link #awaitRead}), and can
 * ask to be caught up with the end of the topic as it is now ({@link #sync}).
 *
 * <p>Claims are conditional on the log: a claim carries the offset of the record for the instance it was built from
 * (its base), and every reader, applying the log in order, treats it as void if another record for the instance
 * came after that base (a change by the owner, another claim, a tombstone). A void claim changes nothing; its
 * writer sees so when its reader reaches it ({@link #voided}). A claim whose base the reader never saw (compacted
 * away) applies. Tombstones and void claims are remembered for {@link #REMEMBER_NANOS}, long enough for any claim
 * built before them to land (a claim is written within the store's bounds of the catch-up it was built from).
 *
 * <p>Records the reader cannot decode are skipped with a log line. Owns its producer, reader consumer, admin
 * client and reader thread; {@link #close} releases them.
 */
public final class InstanceStore implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(InstanceStore.class);
  private static final Duration POLL = Duration.ofMillis(100);
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(5);
  /** How long the reader remembers a tombstone or a void claim: well past the store waits of any claim in flight. */
  static final long REMEMBER_NANOS = TimeUnit.SECONDS.toNanos(60);

  /** A materialised record and its position in the topic. */
  public record Entry(InstanceState state, TopicPartition partition, long offset) {}

  /** Told, on the reader thread, of every record applied: the new entry, or null for a tombstone. */
  public interface Listener {
    void changed(ConsumerInstanceId id, Entry entry);
  }

  private final String topic;
  private final Producer<byte[], byte[]> producer;
  private final Consumer<byte[], byte[]> reader;
  private final Admin admin;
  private final Map<ConsumerInstanceId, Entry> entries = new ConcurrentHashMap<>();
  /** Recent tombstones and void claims, by instance: their offset, and when the reader applied them. */
  private final Map<ConsumerInstanceId, Seen> tombstones = new ConcurrentHashMap<>();
  private final Map<VoidClaim, Long> voids = new ConcurrentHashMap<>();
  private long lastPruneNanos = System.nanoTime();
  /** Next offset to read, per partition: every record before it has been applied. */
  private final Map<TopicPartition, Long> readUpTo = new ConcurrentHashMap<>();
  private final ConcurrentLinkedQueue<Await> awaits = new ConcurrentLinkedQueue<>();
  /** The topic's partitions, once the reader has found them. */
  private final CompletableFuture<List<TopicPartition>> assigned = new CompletableFuture<>();
  private final CompletableFuture<Void> caughtUp = new CompletableFuture<>();
  private final Thread thread;
  private volatile Listener listener = (id, entry) -> {};
  private volatile boolean closed;

  private record Await(TopicPartition partition, long offset, CompletableFuture<Void> done) {}

  private record Seen(long offset, long atNanos) {}

  private record VoidClaim(ConsumerInstanceId id, long offset) {}

  public InstanceStore(KafkaRestConfig config, KafkaClients clients, String nodeId) {
    this.topic = config.get(KafkaRestConfig.CONSUMER_STATE_TOPIC);
    Map<String, Object> producerProps = config.producerProperties();
    producerProps.put("acks", "all");
    producerProps.put("linger.ms", "0");
    producerProps.put("client.id", "kafka-rest-state-writer-" + nodeId);
    this.producer = clients.producer(producerProps);
    Map<String, Object> readerProps = new HashMap<>(config.consumerProperties());
    readerProps.remove("group.id");
    readerProps.remove("group.instance.id");
    readerProps.put("enable.auto.commit", "false");
    readerProps.put("auto.offset.reset", "earliest");
    readerProps.put("client.id", "kafka-rest-state-reader-" + nodeId);
    readerProps.put("default.api.timeout.ms", "5000");
    readerProps.put("allow.auto.create.topics", "false"); // the store creates it, compacted
    this.reader = clients.consumer(readerProps);
    this.admin = clients.admin(config.adminProperties());
    this.thread = new Thread(this::run, "kafka-rest-state-reader");
    this.thread.setDaemon(true);
  }

  /** Starts reading; the caller goes on at once, requests that need the store wait for it within their bound. */
  public void start(Listener changes) {
    this.listener = changes;
    thread.start();
  }

  public Optional<Entry> get(ConsumerInstanceId id) {
    return Optional.ofNullable(entries.get(id));
  }

  public List<Entry> entries() {
    return new ArrayList<>(entries.values());
  }

  /** Whether the reader has once reached the end of the topic since start-up. */
  public boolean caughtUp() {
    return caughtUp.isDone();
  }

  /** For log lines: how far the reader is. */
  public String describe() {
    return "read up to " + readUpTo + ", " + awaits.size() + " waiting, caught up "
        + caughtUp.isDone() + ", reader alive " + thread.isAlive() + " at "
        + java.util.Arrays.toString(thread.getStackTrace()).replace(", ", "\n  ");
  }

  /** Appends a record; completes with its position once the broker has it. */
  public CompletableFuture<Entry> write(InstanceState state) {
    return send(state.id(), InstanceStateCodec.value(state)).thenApply(p -> new Entry(state, p.partition, p.offset));
  }

  /**
   * Appends a claim built from the entry at {@code base}: readers apply it only if no other record for the instance
   * came after that entry. Completes with its position once the broker has it; {@link #voided} tells, once this
   * node's reader has reached it, whether it applied.
   */
  public CompletableFuture<Entry> claim(InstanceState state, Entry base) {
    return send(state.id(), InstanceStateCodec.value(state, base.offset()))
        .thenApply(p -> new Entry(state, p.partition, p.offset));
  }

  /** Whether the reader found this record void (a claim after whose base another record came); ask after reading it. */
  public boolean voided(ConsumerInstanceId id, long offset) {
    return voids.containsKey(new VoidClaim(id, offset));
  }

  /** Appends a tombstone: the instance is gone, on every node. */
  public CompletableFuture<Void> delete(ConsumerInstanceId id) {
    return send(id, null).thenApply(p -> null);
  }

  private record Position(TopicPartition partition, long offset) {}

  private CompletableFuture<Position> send(ConsumerInstanceId id, byte[] value) {
    CompletableFuture<Position> done = new CompletableFuture<>();
    try {
      producer.send(new ProducerRecord<>(topic, InstanceStateCodec.key(id), value), (metadata, e) -> {
        if (e != null) {
          done.completeExceptionally(e);
        } else {
          done.complete(new Position(new TopicPartition(metadata.topic(), metadata.partition()), metadata.offset()));
        }
      });
    } catch (RuntimeException e) {
      done.completeExceptionally(e);
    }
    return done;
  }

  /** Completes once this node's reader has applied the record at this position (and so everything before it). */
  public CompletableFuture<Void> awaitRead(TopicPartition partition, long offset) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    if (readUpTo.getOrDefault(partition, -1L) > offset) {
      done.complete(null);
    } else {
      Await await = new Await(partition, offset, done);
      awaits.add(await);
      if (readUpTo.getOrDefault(partition, -1L) > offset && awaits.remove(await)) { // the reader just got there
        done.complete(null);
      }
    }
    return done;
  }

  /**
   * Completes once the reader has applied every record written before this call. The end offsets come from the
   * admin client: a broker answers one connection's requests in order, so asking on the reader's own connection
   * would wait behind its fetch, which the broker holds for up to fetch.max.wait.ms (measured: 450 ms of a 510 ms
   * takeover, before this).
   */
  public CompletableFuture<Void> sync() {
    return assigned.thenCompose(partitions -> {
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      partitions.forEach(tp -> latest.put(tp, OffsetSpec.latest()));
      CompletableFuture<Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo>> ends = new CompletableFuture<>();
      admin.listOffsets(latest, new ListOffsetsOptions().timeoutMs((int) CALL_TIMEOUT.toMillis())).all()
          .whenComplete((r, e) -> {
            if (e != null) {
              ends.completeExceptionally(e);
            } else {
              ends.complete(r);
            }
          });
      return ends.thenCompose(end -> CompletableFuture.allOf(end.entrySet().stream()
          .map(e -> awaitRead(e.getKey(), e.getValue().offset() - 1)).toArray(CompletableFuture[]::new)));
    });
  }

  /**
   * Removes a static member from its group, so that its partitions go to the other members now rather than after
   * the session timeout (a static member does not leave its group when its consumer closes). Best effort.
   */
  public void removeStaticMember(String group, String groupInstanceId) {
    try {
      admin.removeMembersFromConsumerGroup(group, new RemoveMembersFromConsumerGroupOptions(
              List.of(new MemberToRemove(groupInstanceId))).timeoutMs((int) CALL_TIMEOUT.toMillis()))
          .all().whenComplete((v, e) -> {
            if (e != null) {
              log.debug("Could not remove member {} from group {}", groupInstanceId, group, e);
            }
          });
    } catch (RuntimeException e) {
      log.debug("Could not remove member {} from group {}", groupInstanceId, group, e);
    }
  }

  // ---- the reader thread ----

  private void run() {
    while (!closed) {
      try {
        if (!assigned.isDone()) {
          if (!assign()) {
            sleep(500);
            continue;
          }
          sync().whenComplete((v, e) -> {
            if (e == null) {
              log.info("Read the consumer instance state topic {}: {} instances", topic, entries.size());
              caughtUp.complete(null);
            }
          });
        }
        for (ConsumerRecord<byte[], byte[]> r : reader.poll(POLL)) {
          apply(r);
        }
        for (TopicPartition tp : reader.assignment()) {
          readUpTo.put(tp, reader.position(tp, CALL_TIMEOUT));
        }
        completeAwaits();
        prune();
      } catch (WakeupException e) {
        // closing
      } catch (RuntimeException e) {
        if (!closed) {
          log.warn("Reading the consumer instance state topic {} failed; retrying", topic, e);
          sleep(1000);
        }
      }
    }
  }

  private void prune() {
    long now = System.nanoTime();
    if (now - lastPruneNanos > TimeUnit.SECONDS.toNanos(1)) {
      lastPruneNanos = now;
      tombstones.values().removeIf(t -> now - t.atNanos > REMEMBER_NANOS);
      voids.values().removeIf(at -> now - at > REMEMBER_NANOS);
    }
  }

  private void completeAwaits() {
    for (Await a : awaits) {
      if (readUpTo.getOrDefault(a.partition, -1L) > a.offset) {
        awaits.remove(a);
        a.done.complete(null);
      }
    }
  }

  /** Creates the topic compacted if it is absent, then reads all its partitions from the beginning. */
  private boolean assign() {
    try {
      NewTopic compacted = new NewTopic(topic, Optional.of(1), Optional.empty())
          .configs(Map.of("cleanup.policy", "compact"));
      admin.createTopics(List.of(compacted)).all().get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      log.info("Created the consumer instance state topic {} (compacted)", topic);
    } catch (java.util.concurrent.ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        log.warn("Could not create the consumer instance state topic {}", topic, e.getCause());
      }
    } catch (Exception e) {
      log.warn("Could not create the consumer instance state topic {}", topic, e);
    }
    var partitions = reader.partitionsFor(topic, CALL_TIMEOUT);
    if (partitions == null || partitions.isEmpty()) {
      return false;
    }
    List<TopicPartition> tps = partitions.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
    reader.assign(tps);
    reader.seekToBeginning(tps);
    for (TopicPartition tp : tps) {
      readUpTo.put(tp, reader.position(tp, CALL_TIMEOUT));
    }
    assigned.complete(tps);
    return true;
  }

  private void apply(ConsumerRecord<byte[], byte[]> r) {
    ConsumerInstanceId id;
    Entry entry = null;
    long base = InstanceStateCodec.NO_BASE;
    try {
      id = InstanceStateCodec.decodeKey(r.key());
      if (r.value() != null) {
        InstanceStateCodec.Decoded decoded = InstanceStateCodec.decode(id, r.value());
        entry = new Entry(decoded.state(), new TopicPartition(r.topic(), r.partition()), r.offset());
        base = decoded.base();
      }
    } catch (InstanceStateCodec.BadRecordException e) {
      log.warn("Skipping the record at offset {} of {}-{}: {}", r.offset(), r.topic(), r.partition(), e.getMessage());
      return;
    }
    if (entry == null) {
      entries.remove(id);
      tombstones.put(id, new Seen(r.offset(), System.nanoTime()));
    } else if (base != InstanceStateCodec.NO_BASE && cameAfter(id, base)) {
      log.debug("Claim of consumer instance {} by node {} at offset {} is void: a record came after its base {}",
          id, entry.state().node(), r.offset(), base);
      voids.put(new VoidClaim(id, r.offset()), System.nanoTime());
      return;
    } else {
      entries.put(id, entry);
      tombstones.remove(id);
    }
    try {
      listener.changed(id, entry);
    } catch (RuntimeException e) {
      log.warn("Applying the state of consumer instance {} failed", id, e);
    }
  }

  /**
   * Whether the reader applied a record for the instance after {@code base}: an entry, or a tombstone, at a later
   * offset (one partition holds every record of an instance). An entry before the base, or none and no tombstone,
   * means the base was compacted away: nothing newer is known, so the claim applies.
   */
  private boolean cameAfter(ConsumerInstanceId id, long base) {
    Entry current = entries.get(id);
    if (current != null) {
      return current.offset() > base;
    }
    Seen tombstone = tombstones.get(id);
    return tombstone != null && tombstone.offset > base;
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    closed = true;
    closeQuietly(reader::wakeup);
    try {
      thread.join(CALL_TIMEOUT.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    closeQuietly(() -> reader.close(Duration.ofSeconds(1)));
    closeQuietly(() -> producer.close(CALL_TIMEOUT));
    closeQuietly(() -> admin.close(CALL_TIMEOUT));
  }

  private static void closeQuietly(Runnable step) {
    try {
      step.run();
    } catch (RuntimeException e) {
      log.warn("Closing the consumer instance state store failed", e);
    }
  }
}
