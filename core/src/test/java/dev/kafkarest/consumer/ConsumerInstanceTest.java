package dev.kafkarest.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kafkarest.error.RestException;
import dev.kafkarest.format.DecodedValue;
import dev.kafkarest.format.EmbeddedFormat;
import dev.kafkarest.format.RecordEncoder;
import dev.kafkarest.format.RecordFormat;
import dev.kafkarest.format.SchemaSelection;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetCommitCallback;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Threading and commit rules of one instance, against Kafka's {@link MockConsumer} (the real-broker behaviour is
 * covered by ConsumersTest): what may run on the caller's thread, and that an unconfirmed auto-commit is not
 * taken as done.
 */
class ConsumerInstanceTest {
  private static final TopicPartition TP = new TopicPartition("t", 0);
  private static final int RECORDS = 10;

  private final ExecutorService pool = Executors.newFixedThreadPool(2);
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void stop() {
    pool.shutdownNow();
    timer.shutdownNow();
  }

  @Test
  void aFormatThatMayWaitNeverDecodesOnTheCallersThread() throws Exception {
    assertFalse(decodedOnCaller(false).isEmpty(), "control: a format that cannot wait is answered inline");
    assertEquals(Set.of(), decodedOnCaller(true));
  }

  @Test
  void anAutoCommitThatFailedIsMadeAgainAtClose() throws Exception {
    Map<TopicPartition, OffsetAndMetadata> synced = new ConcurrentHashMap<>();
    MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest") {
      @Override
      public synchronized void commitAsync(Map<TopicPartition, OffsetAndMetadata> offsets,
                                           OffsetCommitCallback callback) {
        callback.onComplete(offsets, new RetriableException("coordinator moved") {});
      }

      @Override
      public synchronized void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
        synced.putAll(offsets);
        super.commitSync(offsets);
      }
    };
    ConsumerInstance instance = instance(consumer, format(false, null), 1);
    readAll(instance, consumer);
    assertEquals(Map.of(), synced, "only (failing) async commits so far");
    instance.close(Duration.ofSeconds(5)).toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertEquals(Map.of(TP, new OffsetAndMetadata(RECORDS)), synced);
  }

  /**
   * A durable instance commits each answer's positions right after the answer, whatever auto.commit.interval.ms
   * says, without a close; an instance that is not durable waits for the interval (here a minute).
   */
  @Test
  void aDurableInstanceCommitsRightAfterEachAnswer() throws Exception {
    assertEquals(null, committedAfterReadingAll(false), "control: the interval has not passed");
    assertEquals(new OffsetAndMetadata(RECORDS), committedAfterReadingAll(true));
  }

  private OffsetAndMetadata committedAfterReadingAll(boolean durable) throws Exception {
    MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
    ConsumerInstance instance = instance(consumer, format(false, null), 60_000);
    if (durable) {
      instance.commitAfterEachAnswer();
    }
    readAll(instance, consumer);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    OffsetAndMetadata committed = consumer.committed(Set.of(TP)).get(TP);
    while (durable && !new OffsetAndMetadata(RECORDS).equals(committed) && System.nanoTime() < deadline) {
      Thread.sleep(5); // the last answer's commit runs on the pool after the answer
      committed = consumer.committed(Set.of(TP)).get(TP);
    }
    return committed;
  }

  @Test
  void dataTooDeeplyNestedToDecodeFailsTheReadAndLosesNothing() throws Exception {
    MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
    RecordFormat deep = format(false, null, 3); // decoding record 3 overflows the stack
    ConsumerInstance instance = instance(consumer, deep, 60_000);
    fill(instance, consumer);
    List<ConsumedRecord> first = read(instance, 1 << 20);
    assertEquals(List.of(0L, 1L, 2L), first.stream().map(ConsumedRecord::offset).toList(),
        "the records before the undecodable one go out");
    for (int attempt = 0; attempt < 2; attempt++) { // it stays first in line, so every read reports it
      var failure = assertThrows(java.util.concurrent.ExecutionException.class, () -> read(instance, 1 << 20));
      RestException e = assertInstanceOf(RestException.class, failure.getCause());
      assertEquals(40801, e.errorCode());
    }
  }

  /** Reads every record from this thread; returns the threads other than pool threads that decoded. */
  private Set<String> decodedOnCaller(boolean mayWait) throws Exception {
    Set<String> decodedOn = ConcurrentHashMap.newKeySet();
    MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
    readAll(instance(consumer, format(mayWait, decodedOn), 60_000), consumer);
    decodedOn.remove("pool");
    return decodedOn;
  }

  private ConsumerInstance instance(MockConsumer<byte[], byte[]> consumer, RecordFormat format,
                                    long autoCommitIntervalMs) {
    ExecutorService named = pool;
    return new ConsumerInstance(new ConsumerInstanceId("g", "i"), null,
        new ConsumerSettings("i", EmbeddedFormat.BINARY, "earliest", true, 0, null), format, () -> consumer,
        task -> named.execute(() -> {
          String name = Thread.currentThread().getName();
          Thread.currentThread().setName("pool");
          try {
            task.run();
          } finally {
            Thread.currentThread().setName(name);
          }
        }), timer, Clock.systemUTC(), 5, autoCommitIntervalMs, 1 << 20);
  }

  /** Assigns the partition, fills it, and reads it from this thread in answers of one record. */
  private static void readAll(ConsumerInstance instance, MockConsumer<byte[], byte[]> consumer) throws Exception {
    fill(instance, consumer);
    int read = 0;
    long deadline = System.currentTimeMillis() + 10_000;
    while (read < RECORDS && System.currentTimeMillis() < deadline) {
      read += read(instance, 1).size();
      Thread.sleep(2); // past an auto.commit.interval.ms of 1
    }
    assertEquals(RECORDS, read);
  }

  private static void fill(ConsumerInstance instance, MockConsumer<byte[], byte[]> consumer) throws Exception {
    instance.assign(List.of(TP)).toCompletableFuture().get(10, TimeUnit.SECONDS);
    consumer.updateBeginningOffsets(new HashMap<>(Map.of(TP, 0L)));
    instance.seekToBeginning(List.of(TP)).toCompletableFuture().get(10, TimeUnit.SECONDS);
    for (int i = 0; i < RECORDS; i++) {
      consumer.addRecord(new ConsumerRecord<>(TP.topic(), TP.partition(), i, null, new byte[] {(byte) i}));
    }
  }

  /** One read of up to {@code maxBytes}, waiting up to 500 ms for records. */
  private static List<ConsumedRecord> read(ConsumerInstance instance, long maxBytes) throws Exception {
    return instance.read(new ReadLimits(500, maxBytes, 0)).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** A format that records the thread each decode ran on. */
  private static RecordFormat format(boolean mayWait, Set<String> decodedOn) {
    return format(mayWait, decodedOn, -1);
  }

  /** The same, and decoding the record whose value is {@code overflowAt} throws StackOverflowError. */
  private static RecordFormat format(boolean mayWait, Set<String> decodedOn, int overflowAt) {
    return new RecordFormat() {
      @Override
      public EmbeddedFormat format() {
        return EmbeddedFormat.BINARY;
      }

      @Override
      public Object read(com.fasterxml.jackson.core.JsonParser parser) {
        throw new UnsupportedOperationException();
      }

      @Override
      public CompletionStage<RecordEncoder> encoder(String topic, SchemaSelection schemas) {
        throw new UnsupportedOperationException();
      }

      @Override
      public DecodedValue decode(String topic, boolean isKey, byte[] data) {
        if (decodedOn != null) {
          decodedOn.add(Thread.currentThread().getName());
        }
        if (data[0] == overflowAt) {
          throw new StackOverflowError();
        }
        return out -> out.writeNumber(data[0]);
      }

      @Override
      public boolean decodeMayWait() {
        return mayWait;
      }
    };
  }
}
