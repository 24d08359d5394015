package dev.kafkarest.endpoint.v3;

import dev.kafkarest.endpoint.v3.RecordSerializer.Serialized;
import dev.kafkarest.error.Errors;
import dev.kafkarest.error.RestException;
import dev.kafkarest.kafka.RecordProducer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * Produces one v3 record in two steps: {@link #prepare} encodes key and value (which may ask Schema Registry),
 * {@link #send} hands the result to the shared producer. Callers prepare records in any order but send them in
 * request order, so Kafka keeps the order the client wrote them in.
 */
final class RecordPublisher {
  /** A record ready to send. */
  record Prepared(ProduceRecord record, Serialized key, Serialized value) {}

  /** A record Kafka acknowledged. */
  record Produced(Prepared prepared, RecordMetadata metadata) {}

  private final RecordProducer producer;
  private final RecordSerializer serializer;

  RecordPublisher(RecordProducer producer, RecordSerializer serializer) {
    this.producer = producer;
    this.serializer = serializer;
  }

  CompletableFuture<Prepared> prepare(String topic, ProduceRecord record) {
    if (record.partitionId() != null && record.partitionId() < 0) {
      return CompletableFuture.failedFuture(Errors.partitionNotFound());
    }
    CompletableFuture<Serialized> key = serializer.serialize(topic, true, record.key());
    CompletableFuture<Serialized> value = serializer.serialize(topic, false, record.value());
    return key.thenCombine(value, (k, v) -> new Prepared(record, k, v));
  }

  /** Sends on the caller's thread, which may wait up to {@code max.block.ms} for the topic's metadata. */
  CompletableFuture<Produced> send(String topic, Prepared prepared) {
    ProduceRecord r = prepared.record();
    try {
      if (r.partitionId() != null && r.partitionId() >= partitionCount(topic)) {
        return CompletableFuture.failedFuture(Errors.partitionNotFound());
      }
      Long timestamp = r.timestamp() == null ? null : r.timestamp().toEpochMilli();
      ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, r.partitionId(), timestamp,
          prepared.key().bytes(), prepared.value().bytes(), headers(r.headers()));
      return producer.send(record).thenApply(metadata -> new Produced(prepared, metadata));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Sends every prepared record in list order; one that could not be prepared keeps its failure. */
  List<CompletableFuture<Produced>> sendInOrder(String topic, List<CompletableFuture<Prepared>> prepared) {
    List<CompletableFuture<Produced>> produced = new ArrayList<>(prepared.size());
    for (CompletableFuture<Prepared> p : prepared) {
      produced.add(p.isCompletedExceptionally() ? p.thenApply(x -> null) : send(topic, p.join()));
    }
    return produced;
  }

  private int partitionCount(String topic) {
    try {
      return producer.partitionCount(topic);
    } catch (org.apache.kafka.common.errors.TimeoutException e) {
      // Confluent maps the producer's "not present in metadata" timeout to 40401.
      throw new RestException(Errors.NOT_FOUND, Errors.TOPIC_NOT_FOUND,
          "Topic " + Errors.quote(topic) + " not present in metadata.");
    }
  }

  private static List<Header> headers(List<ProduceRecord.Header> headers) {
    List<Header> out = new ArrayList<>(headers.size());
    headers.forEach(h -> out.add(new RecordHeader(h.name(), h.value())));
    return out;
  }
}
