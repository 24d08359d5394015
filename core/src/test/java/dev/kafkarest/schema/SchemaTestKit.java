package dev.kafkarest.schema;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.kafkarest.KafkaRest;
import dev.kafkarest.KafkaRestConfig;
import dev.kafkarest.format.DecodedValue;
import dev.kafkarest.format.RecordFormats;
import dev.kafkarest.http.Json;
import dev.kafkarest.testing.DirectCalls;
import dev.kafkarest.testing.FakeSchemaRegistry;
import dev.kafkarest.testing.SharedKafka;
import dev.kafkarest.testing.Topics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Plain Kafka clients and small helpers for the schema-format tests. */
final class SchemaTestKit {
  private SchemaTestKit() {}

  /** A proxy on the shared broker with a fresh fake registry: what each format test runs against. */
  record Proxy(FakeSchemaRegistry registry, KafkaRest rest, RecordFormats formats, DirectCalls calls)
      implements AutoCloseable {
    @Override
    public void close() {
      rest.close();
      registry.close();
    }
  }

  static Proxy startProxy() throws java.io.IOException {
    FakeSchemaRegistry registry = new FakeSchemaRegistry().start();
    KafkaRestConfig config = KafkaRestConfig.builder().bootstrapServers(SharedKafka.bootstrapServers())
        .schemaRegistryUrl(registry.url()).build();
    RecordFormats formats = SchemaFormats.forConfig(config);
    KafkaRest rest = KafkaRest.builder(config).formats(formats).build();
    return new Proxy(registry, rest, formats, new DirectCalls(rest));
  }

  /** A JSON string literal holding {@code s} (schemas travel as strings inside produce bodies). */
  static String quoted(String s) {
    return Json.MAPPER.valueToTree(s).toString();
  }

  static String newTopic(String prefix) {
    return Topics.create(SharedKafka.bootstrapServers(), 1);
  }

  /** Reads the first {@code count} records of partition 0 with a plain byte[] consumer. */
  static List<ConsumerRecord<byte[], byte[]>> read(String topic, int count) {
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
        "bootstrap.servers", SharedKafka.bootstrapServers(),
        "auto.offset.reset", "earliest",
        "enable.auto.commit", "false"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      TopicPartition tp = new TopicPartition(topic, 0);
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
      long deadline = System.currentTimeMillis() + 15_000;
      while (out.size() < count && System.currentTimeMillis() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(out::add);
      }
      if (out.size() < count) {
        throw new AssertionError("expected " + count + " records, read " + out.size());
      }
      return out;
    }
  }

  /** Writes raw bytes, as a Confluent serializer in another application would. */
  static void write(String topic, byte[] key, byte[] value) {
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
        "bootstrap.servers", SharedKafka.bootstrapServers()), new ByteArraySerializer(), new ByteArraySerializer())) {
      producer.send(new ProducerRecord<>(topic, key, value)).get();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The JSON text a decoded value writes into a records answer. */
  static String render(DecodedValue value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator g = Json.generator(out)) {
      value.writeTo(g);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  static byte[] bytes(int... values) {
    byte[] out = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = (byte) values[i];
    }
    return out;
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Error messages never carry class names, stack frames, parser locations or unbounded input. */
  static void assertSafeError(dev.kafkarest.testing.DirectCalls.Reply reply) {
    String message = reply.json().get("message").asText();
    for (String bad : new String[] {"Exception", "java.", "org.", "com.", "at [Source", "\tat "}) {
      if (message.contains(bad)) {
        throw new AssertionError("unsafe error message (" + bad + "): " + message);
      }
    }
    if (message.length() > 400) {
      throw new AssertionError("error message too long: " + message.length());
    }
  }

  /** The 5-byte header written by hand: magic 0, big-endian id. */
  static byte[] header(int id) {
    return bytes(0, id >>> 24, (id >>> 16) & 0xff, (id >>> 8) & 0xff, id & 0xff);
  }
}
