package dev.kafkarest.kafka;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.AuthorizationException;
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
 * <p>Each topic's limit is looked up at its first record (bounded), then refreshed in the background once a minute;
 * a record over a limit read more than 5 s ago is checked again against a fresh read (the limit may have been
 * raised, or the topic made again). Where the limit cannot be read, records go to the producer unchecked, as before:
 * after a timeout it is tried again 5 s later, without DESCRIBE_CONFIGS on the topic 10 minutes later; a failed
 * refresh keeps the limit last read. Compressed batches are not checked: their size is only known once compressed.
 */
public final class TopicRecordLimits {
  /** For producers whose records are compressed (and tests without an admin client): no check. */
  public static final TopicRecordLimits NONE = new TopicRecordLimits(null, System::nanoTime);

  private static final Logger log = LoggerFactory.getLogger(TopicRecordLimits.class);
  /** The header of a v2 record batch, which holds even a single record. */
  static final int BATCH_OVERHEAD_BYTES = 61;
  private static final long LOOKUP_TIMEOUT_MS = 5000;
  private static final long REFRESH_AFTER_NANOS = TimeUnit.SECONDS.toNanos(60);
  private static final long RETRY_UNKNOWN_AFTER_NANOS = TimeUnit.SECONDS.toNanos(5);
  private static final long RETRY_UNAUTHORIZED_AFTER_NANOS = TimeUnit.MINUTES.toNanos(10);
  /** A refusal trusts a limit read at most this long ago; an older one is read again first. */
  private static final long REFUSE_ON_LIMITS_YOUNGER_THAN_NANOS = TimeUnit.SECONDS.toNanos(5);
  private static final int MAX_TOPICS = 10_000;

  /** A topic's limit (-1: not known), when it was read, and when to read it again. */
  private static final class Limit {
    final int maxBatchBytes;
    final long readAtNanos;
    final long staleAfterNanos;
    final AtomicBoolean refreshing = new AtomicBoolean();

    Limit(int maxBatchBytes, long readAtNanos, long staleAfterNanos) {
      this.maxBatchBytes = maxBatchBytes;
      this.readAtNanos = readAtNanos;
      this.staleAfterNanos = staleAfterNanos;
    }

    static Limit read(int maxBatchBytes, long now) {
      return new Limit(maxBatchBytes, now, maxBatchBytes < 0 ? RETRY_UNKNOWN_AFTER_NANOS : REFRESH_AFTER_NANOS);
    }

    static Limit unreadable(Throwable e, long now) {
      boolean unauthorized = e instanceof AuthorizationException || e.getCause() instanceof AuthorizationException;
      return new Limit(-1, now, unauthorized ? RETRY_UNAUTHORIZED_AFTER_NANOS : RETRY_UNKNOWN_AFTER_NANOS);
    }

    boolean olderThan(long nanos, long now) {
      return now - readAtNanos > nanos;
    }
  }

  private final Admin admin;
  private final LongSupplier nanoTime;
  private final Map<String, Limit> limits = new ConcurrentHashMap<>();

  /** {@code nanoTime}: {@link System#nanoTime}, or a test's clock. */
  TopicRecordLimits(Admin admin, LongSupplier nanoTime) {
    this.admin = admin;
    this.nanoTime = nanoTime;
  }

  /** The limits for a producer made with {@code producerProperties}. */
  public static TopicRecordLimits of(Admin admin, Map<String, Object> producerProperties) {
    Object compression = producerProperties.get("compression.type");
    boolean compressed = compression != null && !"none".equalsIgnoreCase(String.valueOf(compression).strip());
    return compressed ? NONE : new TopicRecordLimits(admin, System::nanoTime);
  }

  /**
   * Throws {@link RecordTooLargeException} when {@code record}, alone in a batch, is over its topic's limit. May
   * wait (at most 5 s) for the topic's config at the first record of a topic: call where blocking is allowed.
   */
  public void check(ProducerRecord<byte[], byte[]> record) {
    if (admin == null) {
      return;
    }
    String topic = record.topic();
    Limit limit = limitOf(topic);
    long size = batchBytes(record);
    if (limit.maxBatchBytes >= 0 && size > limit.maxBatchBytes
        && limit.olderThan(REFUSE_ON_LIMITS_YOUNGER_THAN_NANOS, nanoTime.getAsLong())) {
      limit = lookUp(topic); // rare: a refusal may rest on a limit raised since
    }
    if (limit.maxBatchBytes >= 0 && size > limit.maxBatchBytes) {
      throw new RecordTooLargeException("The record is " + size + " bytes in a batch of its own, more than the "
          + "topic's max.message.bytes (" + limit.maxBatchBytes + ").");
    }
  }

  private Limit limitOf(String topic) {
    Limit known = limits.get(topic);
    if (known == null) {
      return lookUp(topic);
    }
    if (known.olderThan(known.staleAfterNanos, nanoTime.getAsLong()) && known.refreshing.compareAndSet(false, true)) {
      refresh(topic, known);
    }
    return known;
  }

  /** Reads the topic's limit now (bounded) and keeps it. */
  private Limit lookUp(String topic) {
    Limit read;
    try {
      int max = maxMessageBytes(describe(topic).get(LOOKUP_TIMEOUT_MS, TimeUnit.MILLISECONDS));
      read = Limit.read(max, nanoTime.getAsLong());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Limit.unreadable(e, nanoTime.getAsLong());
    } catch (Exception e) {
      log.debug("The max.message.bytes of topic {} could not be read; its records go unchecked", topic, e);
      read = Limit.unreadable(e, nanoTime.getAsLong());
    }
    if (limits.size() >= MAX_TOPICS) {
      limits.clear(); // a bound, not a policy: the next records look their topics up again
    }
    limits.put(topic, read);
    return read;
  }

  /** Reads the topic's limit in the background; until then, and if that fails, the one known is used. */
  private void refresh(String topic, Limit known) {
    try {
      describe(topic).whenComplete((config, e) ->
          limits.put(topic, e == null ? Limit.read(maxMessageBytes(config), nanoTime.getAsLong()) : keep(known, e)));
    } catch (RuntimeException e) {
      limits.put(topic, keep(known, e));
    }
  }

  /** After a failed refresh: the limit known, read again in a while (or unreadable, if none was known). */
  private Limit keep(Limit known, Throwable failure) {
    long now = nanoTime.getAsLong();
    return known.maxBatchBytes >= 0 ? Limit.read(known.maxBatchBytes, now) : Limit.unreadable(failure, now);
  }

  private org.apache.kafka.common.KafkaFuture<Config> describe(String topic) {
    ConfigResource resource = ConfigAdmin.topic(topic);
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
