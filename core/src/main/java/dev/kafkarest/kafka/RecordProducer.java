package dev.kafkarest.kafka;

import dev.kafkarest.metrics.ProxyMetrics;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * The proxy's one way to hand records to Kafka, shared by v2 and v3: every produce endpoint goes through the one
 * shared producer here, so batching, idempotence and shutdown behave the same for all of them.
 */
public final class RecordProducer {
  private final Producer<byte[], byte[]> producer;
  private final ProxyMetrics metrics;

  public RecordProducer(Producer<byte[], byte[]> producer) {
    this(producer, ProxyMetrics.NONE);
  }

  public RecordProducer(Producer<byte[], byte[]> producer, ProxyMetrics metrics) {
    this.producer = producer;
    this.metrics = metrics;
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
   * there); a failure the producer throws at once (a full buffer, a closed producer) fails the future instead.
   */
  public CompletableFuture<RecordMetadata> send(ProducerRecord<byte[], byte[]> record) {
    CompletableFuture<RecordMetadata> acknowledged = new CompletableFuture<>();
    try {
      producer.send(record, metrics.produced(record, (metadata, failure) -> {
        if (failure != null) {
          acknowledged.completeExceptionally(failure);
        } else {
          acknowledged.complete(metadata);
        }
      }));
    } catch (RuntimeException e) {
      acknowledged.completeExceptionally(e);
    }
    return acknowledged;
  }
}
