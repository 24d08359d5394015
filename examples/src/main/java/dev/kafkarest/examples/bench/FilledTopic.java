package dev.kafkarest.examples.bench;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** A one-partition topic filled before a durable-consumer benchmark reads it. */
final class FilledTopic {
  private FilledTopic() {}

  /** Creates {@code topic} and writes {@code records} records of {@code valueBytes} bytes each to it. */
  static void create(String bootstrap, String topic, int records, int valueBytes) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
    }
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap),
        new ByteArraySerializer(), new ByteArraySerializer())) {
      byte[] value = new byte[valueBytes];
      for (int i = 0; i < records; i++) {
        producer.send(new ProducerRecord<>(topic, value));
      }
      producer.flush();
    }
  }
}
