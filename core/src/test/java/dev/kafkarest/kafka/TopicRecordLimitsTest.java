package dev.kafkarest.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kafkarest.testing.SharedKafka;
import dev.kafkarest.testing.Topics;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The record size the limit computes is the one the broker measures: checked against the real broker, byte exact. */
@ExtendWith(SharedKafka.class)
class TopicRecordLimitsTest {
  private static final int LIMIT = 1024;

  @Test
  void theLimitIsTheBrokersToTheByte() throws Exception {
    String topic = Topics.create(SharedKafka.bootstrapServers(), 1, "limits-",
        Map.of("max.message.bytes", Integer.toString(LIMIT)));
    for (boolean withKeyAndHeaders : new boolean[] {false, true}) {
      ProducerRecord<byte[], byte[]> fits = sized(topic, LIMIT, withKeyAndHeaders);
      ProducerRecord<byte[], byte[]> over = sized(topic, LIMIT + 1, withKeyAndHeaders);
      assertEquals(LIMIT, TopicRecordLimits.batchBytes(fits));
      assertEquals(LIMIT + 1, TopicRecordLimits.batchBytes(over));
      // The broker itself, each record alone in its batch (linger 0, one send at a time).
      try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
          "bootstrap.servers", SharedKafka.bootstrapServers(), "linger.ms", "0", "retries", "0",
          "delivery.timeout.ms", "10000", "request.timeout.ms", "5000"),
          new ByteArraySerializer(), new ByteArraySerializer())) {
        producer.send(fits).get(10, TimeUnit.SECONDS);
        ExecutionException refused = assertThrows(ExecutionException.class,
            () -> producer.send(over).get(10, TimeUnit.SECONDS));
        assertInstanceOf(RecordTooLargeException.class, refused.getCause());
      }
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", SharedKafka.bootstrapServers()))) {
        TopicRecordLimits limits = TopicRecordLimits.of(admin, Map.of());
        limits.check(fits);
        RecordTooLargeException e = assertThrows(RecordTooLargeException.class, () -> limits.check(over));
        assertEquals("The record is 1025 bytes in a batch of its own, more than the topic's max.message.bytes (1024).",
            e.getMessage());
      }
    }
  }

  /**
   * A refusal does not rest on a limit read long ago: raised on the topic, it is read again at the next record over
   * the old one (here within 54 s of a test clock, well before the minute's refresh).
   */
  @Test
  void aRaisedLimitIsReadAgainBeforeARefusal() throws Exception {
    String topic = Topics.create(SharedKafka.bootstrapServers(), 1, "limits-",
        Map.of("max.message.bytes", Integer.toString(LIMIT)));
    AtomicLong now = new AtomicLong();
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", SharedKafka.bootstrapServers()))) {
      TopicRecordLimits limits = new TopicRecordLimits(admin, now::get);
      ProducerRecord<byte[], byte[]> twoKiB = sized(topic, 2048, false);
      assertThrows(RecordTooLargeException.class, () -> limits.check(twoKiB));
      admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, topic), List.of(
          new AlterConfigOp(new ConfigEntry("max.message.bytes", "4096"), AlterConfigOp.OpType.SET))))
          .all().get(10, TimeUnit.SECONDS);
      assertThrows(RecordTooLargeException.class, () -> limits.check(twoKiB), "a limit read just now is trusted");
      for (int i = 1; ; i++) {
        now.addAndGet(TimeUnit.SECONDS.toNanos(6));
        try {
          limits.check(twoKiB);
          break;
        } catch (RecordTooLargeException e) {
          if (i == 9) {
            throw new AssertionError("the raised limit was not read again", e);
          }
          Thread.sleep(200); // the broker applies the change through its metadata log
        }
      }
    }
  }

  @Test
  void compressedProducersAreNotChecked() {
    assertEquals(TopicRecordLimits.NONE, TopicRecordLimits.of(null, Map.of("compression.type", "lz4")));
  }

  @Test
  void varintSizesFollowKafkasZigZagEncoding() {
    assertEquals(1, TopicRecordLimits.varintBytes(-1));
    assertEquals(1, TopicRecordLimits.varintBytes(63));
    assertEquals(2, TopicRecordLimits.varintBytes(64));
    assertEquals(2, TopicRecordLimits.varintBytes(8191));
    assertEquals(3, TopicRecordLimits.varintBytes(8192));
  }

  /** A record whose batch of its own is {@code batchBytes} long (found by growing the value). */
  private static ProducerRecord<byte[], byte[]> sized(String topic, int batchBytes, boolean withKeyAndHeaders) {
    for (int n = 0; n < batchBytes; n++) {
      byte[] value = new byte[n];
      ProducerRecord<byte[], byte[]> r = withKeyAndHeaders
          ? new ProducerRecord<>(topic, null, null, "key".getBytes(StandardCharsets.UTF_8), value,
              List.of(new RecordHeader("h", "v".getBytes(StandardCharsets.UTF_8)), new RecordHeader("empty", null)))
          : new ProducerRecord<>(topic, value);
      if (TopicRecordLimits.batchBytes(r) == batchBytes) {
        return r;
      }
    }
    throw new AssertionError("no record of " + batchBytes + " bytes");
  }
}
