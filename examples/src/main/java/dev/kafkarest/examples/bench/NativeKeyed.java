package dev.kafkarest.examples.bench;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Utils;

/**
 * The native Kafka client running the least that an exactly-once keyed request needs, without HTTP or the proxy:
 * the reference that keyed produce's cost is read against. Two shapes:
 * <ul>
 *   <li>{@link #transaction}: one transaction per batch, holding the batch and an answer-sized record in a
 *       compacted topic (what makes a request atomic and its answer durable);</li>
 *   <li>{@link #claimAndTransaction}: first a claim written to the compacted topic and read back by a
 *       {@code read_committed} reader (what keeps two nodes from running one key twice), then the transaction.</li>
 * </ul>
 * Each load thread has two transactional producers and uses them in turn, as the proxy's pool does: a producer
 * that begins its next transaction at once, before the broker has written the last one's commit markers, is
 * refused (CONCURRENT_TRANSACTIONS) and backs off.
 */
final class NativeKeyed implements AutoCloseable {
  static final String MARKER_TOPIC = "bench-markers";
  private static final int MARKER_PARTITIONS = 10;
  private static final AtomicLong IDS = new AtomicLong();

  private final String topic;
  private final Map<String, Object> base;
  private final KafkaProducer<byte[], byte[]> claims;
  private final KafkaConsumer<byte[], byte[]> reader;
  private final Thread readerThread;
  private final Map<String, CompletableFuture<Void>> pending = new ConcurrentHashMap<>();
  private volatile boolean closed;

  /** One load thread's transactional producers, used in turn. */
  final class Txn implements AutoCloseable {
    private final KafkaProducer<byte[], byte[]>[] producers;
    private int next;

    @SuppressWarnings("unchecked")
    Txn() {
      producers = new KafkaProducer[2];
      for (int i = 0; i < producers.length; i++) {
        Map<String, Object> props = transactional(base);
        props.put("transactional.id", "bench-native-keyed-" + IDS.incrementAndGet());
        producers[i] = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
        producers[i].initTransactions();
      }
    }

    KafkaProducer<byte[], byte[]> next() {
      next = (next + 1) % producers.length;
      return producers[next];
    }

    @Override
    public void close() {
      for (KafkaProducer<byte[], byte[]> p : producers) {
        p.close(Duration.ofSeconds(5));
      }
    }
  }

  /**
   * The transactional producers get the proxy's: the shared producer's settings, {@code linger.ms=0} and a
   * {@code batch.size} of 256 KiB (one request's transaction at a time each).
   */
  static Map<String, Object> transactional(Map<String, Object> shared) {
    Map<String, Object> props = new HashMap<>(shared);
    props.put("enable.idempotence", "true");
    props.put("acks", "all");
    props.put("linger.ms", "0");
    props.put("batch.size", Integer.toString(256 * 1024));
    return props;
  }

  NativeKeyed(String bootstrap, String topic, Map<String, Object> producerConfig) throws Exception {
    this.topic = topic;
    this.base = producerConfig;
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      if (!admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(MARKER_TOPIC)) {
        admin.createTopics(List.of(new NewTopic(MARKER_TOPIC, MARKER_PARTITIONS, (short) 1)
            .configs(Map.of("cleanup.policy", "compact,delete")))).all().get(30, TimeUnit.SECONDS);
      }
    }
    Map<String, Object> claimProps = new HashMap<>(producerConfig);
    claimProps.put("linger.ms", "0"); // as the proxy's claims: on every keyed request's critical path
    claims = new KafkaProducer<>(claimProps, new ByteArraySerializer(), new ByteArraySerializer());
    reader = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap, "isolation.level", "read_committed",
        "enable.auto.commit", "false", "auto.offset.reset", "latest"),
        new ByteArrayDeserializer(), new ByteArrayDeserializer());
    List<TopicPartition> all = new ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    List<PartitionInfo> infos = reader.partitionsFor(MARKER_TOPIC);
    while (infos.size() < MARKER_PARTITIONS && System.nanoTime() < deadline) {
      Thread.sleep(100);
      infos = reader.partitionsFor(MARKER_TOPIC);
    }
    infos.forEach(i -> all.add(new TopicPartition(MARKER_TOPIC, i.partition())));
    reader.assign(all);
    reader.seekToEnd(all);
    all.forEach(reader::position); // resolve "latest" now, before any claim is written
    readerThread = new Thread(this::read, "bench-native-keyed-reader");
    readerThread.setDaemon(true);
    readerThread.start();
  }

  private void read() {
    while (!closed) {
      try {
        for (ConsumerRecord<byte[], byte[]> r : reader.poll(Duration.ofMillis(200))) {
          CompletableFuture<Void> waiter = pending.remove(new String(r.key(), StandardCharsets.UTF_8));
          if (waiter != null) {
            waiter.complete(null);
          }
        }
      } catch (WakeupException e) {
        // closing
      }
    }
  }

  /** One transaction: the batch, then the answer record, then the commit (which waits for every ack). */
  int transaction(Txn txn, byte[] value, int batch, byte[] answer) {
    String key = UUID.randomUUID().toString();
    KafkaProducer<byte[], byte[]> producer = txn.next();
    producer.beginTransaction();
    for (int i = 0; i < batch; i++) {
      producer.send(new ProducerRecord<>(topic, null, value));
    }
    producer.send(new ProducerRecord<>(MARKER_TOPIC, markerPartition(key), bytes(key), answer));
    producer.commitTransaction(); // throws when a send of the transaction failed
    return batch;
  }

  /** A claim written and read back (outside the transaction), then {@link #transaction}. */
  int claimAndTransaction(Txn txn, byte[] value, int batch, byte[] answer) throws Exception {
    String claim = UUID.randomUUID().toString();
    CompletableFuture<Void> seen = new CompletableFuture<>();
    pending.put(claim, seen);
    claims.send(new ProducerRecord<>(MARKER_TOPIC, markerPartition(claim), bytes(claim), new byte[64]), (m, e) -> {
      if (e != null) {
        seen.completeExceptionally(e);
      }
    });
    try {
      seen.get(30, TimeUnit.SECONDS);
    } finally {
      pending.remove(claim);
    }
    return transaction(txn, value, batch, answer);
  }

  private static int markerPartition(String key) {
    return Utils.toPositive(Utils.murmur2(bytes(key))) % MARKER_PARTITIONS;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void close() throws Exception {
    closed = true;
    reader.wakeup();
    readerThread.join(5000);
    reader.close(Duration.ofSeconds(5));
    claims.close(Duration.ofSeconds(5));
  }
}
