package dev.kafkarest.kafka;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refuses a record that is larger than its topic's {@code max.message.bytes} on its own, before the producer gets
 * it. The Kafka producer cannot refuse it cleanly when it shares a batch with other records: the broker refuses the
 * whole batch, the producer splits it into batches of {@code batch.size}, which can give the same batch again, and it
 * retries that until {@code delivery.timeout.ms}, holding back every record of that partition behind it.
 *
 * <p>Each topic's limit is looked up at its first record (bounded), then refreshed in the background once a minute.
 * Where it cannot be looked up (no DESCRIBE_CONFIGS, a timeout) records go to the producer unchecked, as before.
 * Compressed batches are not checked: their size is only known once compressed.
 */
public final class TopicRecordLimits {
  /** For producers whose records are compressed (and tests without an admin client): no check. */
  public static final TopicRecordLimits NONE = new TopicRecordLimits(null);

  private static final Logger log = LoggerFactory.getLogger(TopicRecordLimits.class);
  /** The header of a v2 record batch, which holds even a single record. */
  static final int BATCH_OVERHEAD_BYTES = 61;
  private static final long LOOKUP_TIMEOUT_MS = 5000;
  private static final long REFRESH_AFTER_NANOS = TimeUnit.SECONDS.toNanos(60);
  private static final long RETRY_UNKNOWN_AFTER_NANOS = TimeUnit.SECONDS.toNanos(5);
  private static final int MAX_TOPICS = 10_000;

  /** A topic's limit (-1: not known) and when it was read. */
  private static final class Limit {
    final int maxBatchBytes;
    final long readAtNanos;
    volatile boolean refreshing;

    Limit(int maxBatchBytes, long readAtNanos) {
      this.maxBatchBytes = maxBatchBytes;
      this.readAtNanos = readAtNanos;
    }

    boolean stale(long now) {
      return now - readAtNanos > (maxBatchBytes < 0 ? RETRY_UNKNOWN_AFTER_NANOS : REFRESH_AFTER_NANOS);
    }
  }

  private final Admin admin;
  private final Map<String, Limit> limits = new ConcurrentHashMap<>();

  private TopicRecordLimits(Admin admin) {
    this.admin = admin;
  }

  /** The limits for a producer made with {@code producerProperties}. */
  public static TopicRecordLimits of(Admin admin, Map<String, Object> producerProperties) {
    Object compression = producerProperties.get("compression.type");
    boolean compressed = compression != null && !"none".equalsIgnoreCase(String.valueOf(compression).strip());
    return compressed ? NONE : new TopicRecordLimits(admin);
  }

  /**
   * Throws {@link RecordTooLargeException} when {@code record}, alone in a batch, is over its topic's limit. May
   * wait (at most 5 s) for the topic's config at the first record of a topic: call where blocking is allowed.
   */
  public void check(ProducerRecord<byte[], byte[]> record) {
    if (admin == null) {
      return;
    }
    int max = maxBatchBytes(record.topic());
    if (max < 0) {
      return;
    }
    long size = batchBytes(record);
    if (size > max) {
      throw new RecordTooLargeException("The record is " + size + " bytes in a batch of its own, more than the "
          + "topic's max.message.bytes (" + max + ").");
    }
  }

  private int maxBatchBytes(String topic) {
    long now = System.nanoTime();
    Limit known = limits.get(topic);
    if (known == null) {
      Limit read = new Limit(lookUp(topic), System.nanoTime());
      if (limits.size() >= MAX_TOPICS) {
        limits.clear(); // a bound, not a policy: the next records look their topics up again
      }
      limits.put(topic, read);
      return read.maxBatchBytes;
    }
    if (known.stale(now) && !known.refreshing) {
      known.refreshing = true;
      describe(topic).whenComplete((config, e) ->
          limits.put(topic, new Limit(e == null ? maxMessageBytes(config) : -1, System.nanoTime())));
    }
    return known.maxBatchBytes;
  }

  private int lookUp(String topic) {
    try {
      return maxMessageBytes(describe(topic).get(LOOKUP_TIMEOUT_MS, TimeUnit.MILLISECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    } catch (Exception e) {
      log.debug("The max.message.bytes of topic {} could not be read; its records go unchecked", topic, e);
      return -1;
    }
  }

  private org.apache.kafka.common.KafkaFuture<Config> describe(String topic) {
    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    return admin.describeConfigs(Set.of(resource)).values().get(resource);
  }

  private static int maxMessageBytes(Config config) {
    ConfigEntry entry = config.get("max.message.bytes");
    if (entry == null || entry.value() == null) {
      return -1;
    }
    try {
      return Integer.parseInt(entry.value().strip());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** The size of a v2 record batch holding only {@code record}, uncompressed, as the broker measures it. */
  static long batchBytes(ProducerRecord<byte[], byte[]> record) {
    long body = 1 + 1 + 1; // attributes, timestamp delta 0, offset delta 0
    body += field(record.key());
    body += field(record.value());
    int headers = 0;
    for (Header h : record.headers()) {
      headers++;
      body += field(h.key().getBytes(StandardCharsets.UTF_8));
      body += field(h.value());
    }
    body += varintBytes(headers);
    return BATCH_OVERHEAD_BYTES + varintBytes(body) + body;
  }

  private static long field(byte[] bytes) {
    return bytes == null ? varintBytes(-1) : varintBytes(bytes.length) + bytes.length;
  }

  /** Bytes of a zig-zag varint, as Kafka's records encode lengths. */
  static int varintBytes(long value) {
    long v = (value << 1) ^ (value >> 63);
    int bytes = 1;
    while ((v & ~0x7FL) != 0) {
      bytes++;
      v >>>= 7;
    }
    return bytes;
  }
}
