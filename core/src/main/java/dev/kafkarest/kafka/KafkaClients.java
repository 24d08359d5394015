package dev.kafkarest.kafka;

import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Creates the Kafka clients the proxy uses. The seam where tests may hand in Kafka's Mock* clients. Every client
 * works on raw bytes: the embedded formats do the conversion to and from JSON.
 */
public interface KafkaClients {
  Producer<byte[], byte[]> producer(Map<String, Object> properties);

  Consumer<byte[], byte[]> consumer(Map<String, Object> properties);

  Admin admin(Map<String, Object> properties);

  /** Real clients. */
  static KafkaClients standard() {
    return new KafkaClients() {
      @Override
      public Producer<byte[], byte[]> producer(Map<String, Object> properties) {
        return new KafkaProducer<>(properties, new ByteArraySerializer(), new ByteArraySerializer());
      }

      @Override
      public Consumer<byte[], byte[]> consumer(Map<String, Object> properties) {
        return new KafkaConsumer<>(properties, new ByteArrayDeserializer(), new ByteArrayDeserializer());
      }

      @Override
      public Admin admin(Map<String, Object> properties) {
        return Admin.create(properties);
      }
    };
  }
}
