package dev.kafkarest.metrics;

import java.util.List;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** The meters of one consumer instance, closed with it. */
public interface ConsumerMeter {
  ConsumerMeter NONE = new ConsumerMeter() {};

  /** The instance's Kafka consumer, created at its first use. */
  default void bind(Consumer<?, ?> consumer) {}

  /** Records returned in one answer, and their key and value bytes; called just after the answer is completed. */
  default void returned(List<ConsumerRecord<byte[], byte[]>> records, long bytes) {}

  /** The group gave the instance its partitions (once per rebalance it took part in). */
  default void rebalanced() {}

  /** The instance and its consumer are closed. */
  default void close() {}
}
