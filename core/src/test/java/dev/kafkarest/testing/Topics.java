package dev.kafkarest.testing;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Creates fresh topics for tests and waits until every partition's leader serves requests. */
public final class Topics {
  private Topics() {}

  public static String create(String bootstrapServers, int partitions) {
    return create(bootstrapServers, partitions, "t-");
  }

  public static String create(String bootstrapServers, int partitions, String prefix) {
    return create(bootstrapServers, partitions, prefix, Map.of());
  }

  /** A new topic with these topic configs, once its leaders answer. */
  public static String create(String bootstrapServers, int partitions, String prefix, Map<String, String> configs) {
    String name = prefix + UUID.randomUUID();
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers))) {
      admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1).configs(configs))).all().get();
      Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
      for (int p = 0; p < partitions; p++) {
        specs.put(new TopicPartition(name, p), OffsetSpec.latest());
      }
      long deadline = System.currentTimeMillis() + 15_000;
      while (true) {
        try {
          // ListOffsets is answered by the leader only: once it works, produce will not bounce off the partition.
          admin.listOffsets(specs).all().get();
          return name;
        } catch (Exception e) {
          if (System.currentTimeMillis() > deadline) {
            throw e;
          }
          Thread.sleep(50);
        }
      }
    } catch (Exception e) {
      throw new IllegalStateException("could not create topic " + name, e);
    }
  }

  /** Writes {@code count} records with values {@code {"i":0}} to {@code {"i":count-1}}, no key, and flushes. */
  public static void produceNumbered(String bootstrapServers, String topic, int count) {
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
        Map.of("bootstrap.servers", bootstrapServers, "linger.ms", "5"), new ByteArraySerializer(),
        new ByteArraySerializer())) {
      for (int i = 0; i < count; i++) {
        producer.send(new ProducerRecord<>(topic, ("{\"i\":" + i + "}").getBytes(StandardCharsets.UTF_8)));
      }
      producer.flush();
    }
  }
}
