package dev.kafkarest.kafka;

import dev.kafkarest.metrics.ProxyMetrics;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RecordTooLargeException;

/**
 * The proxy's one way to hand records to Kafka, shared by v2 and v3: every produce endpoint goes through the one
 * shared producer here, so batching, idempotence and shutdown behave the same for all of them.
 */
public final class RecordProducer {
  private final Producer<byte[], byte[]> producer;
  private final ProxyMetrics metrics;
  private final Object sendLock;
  private final BooleanSupplier open;
  private final Consumer<Exception> failed;
  private final TopicRecordLimits limits;

  public RecordProducer(Producer<byte[], byte[]> producer) {
    this(producer, ProxyMetrics.NONE, TopicRecordLimits.NONE);
  }

  public RecordProducer(Producer<byte[], byte[]> producer, ProxyMetrics metrics, TopicRecordLimits limits) {
    this(producer, metrics, limits, null, null, e -> { });
  }

  /**
   * For one transaction's records: sends only while {@code open} says so, checked under {@code sendLock}, and tells
   * {@code failed} of every send that fails (before its future does), since one failed send fails the transaction.
   */
  RecordProducer(Producer<byte[], byte[]> producer, ProxyMetrics metrics, TopicRecordLimits limits, Object sendLock,
                 BooleanSupplier open, Consumer<Exception> failed) {
    this.producer = producer;
    this.metrics = metrics;
    this.limits = limits;
    this.sendLock = sendLock;
    this.open = open;
    this.failed = failed;
  }

  /**
   * The topic's partition count. Waits for metadata at most {@code max.block.ms} on the first call for a topic;
   * later calls are answered from the producer's cache.
   */
  public int partitionCount(String topic) {
    return producer.partitionsFor(topic).size();
  }

  /**
   * Sends one record. The future completes on the producer's I/O thread (keep dependents short and never block
   * there); a failure the producer throws at once (a full buffer, a closed producer), or a record over its topic's
   * {@link TopicRecordLimits limit}, fails the future instead. May wait for the topic's metadata and config at its
   * first record.
   */
  public CompletableFuture<RecordMetadata> send(ProducerRecord<byte[], byte[]> record) {
    if (sendLock == null) {
      return sendNow(record);
    }
    synchronized (sendLock) {
      if (!open.getAsBoolean()) {
        // A late send of a request whose transaction ended (timed out) must not land in the next one; after a failed
        // send the transaction can only abort, so the rest of the request is not sent at all.
        return CompletableFuture.failedFuture(new IllegalStateException("the request's transaction is over"));
      }
      return sendNow(record);
    }
  }

  private CompletableFuture<RecordMetadata> sendNow(ProducerRecord<byte[], byte[]> record) {
    CompletableFuture<RecordMetadata> acknowledged = new CompletableFuture<>();
    Callback done = metrics.produced(record, (metadata, failure) -> {
      if (failure != null) {
        failed.accept(failure);
        acknowledged.completeExceptionally(failure);
      } else {
        acknowledged.complete(metadata);
      }
    });
    try {
      limits.check(record);
    } catch (RecordTooLargeException e) {
      done.onCompletion(null, e); // metered as a failed record, like one the producer refuses
      return acknowledged;
    }
    try {
      producer.send(record, done);
    } catch (RuntimeException e) {
      failed.accept(e);
      acknowledged.completeExceptionally(e);
    }
    return acknowledged;
  }
}
