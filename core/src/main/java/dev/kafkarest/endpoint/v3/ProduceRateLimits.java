package dev.kafkarest.endpoint.v3;

import dev.kafkarest.KafkaRestConfig;
import dev.kafkarest.error.Errors;
import dev.kafkarest.error.LimitExceeded;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Upstream's v3 produce rate limits ({@code api.v3.produce.rate.limit.*}): every record of a stream or a batch
 * counts once against records per second and its JSON size against bytes per second, globally and per cluster id
 * of the path. A record over a limit is not produced and gets its own 429 answer; the stream goes on. Off by default.
 */
public final class ProduceRateLimits {
  /** Upstream's wording; the internal codes 429001-429004 that say which limit it was are never sent. */
  static final String EXCEEDED = "Request rate limit exceeded: The rate limit of requests per second has been exceeded.";
  /** The path's cluster id is not checked on produce, so per-cluster buckets are kept for this many ids at most. */
  static final int MAX_CLUSTER_IDS = 1024;

  private final boolean enabled;
  private final long recordsPerCluster;
  private final long bytesPerCluster;
  private final LongSupplier nanoClock;
  private final TokenBucket globalRecords;
  private final TokenBucket globalBytes;
  private final Map<String, TokenBucket[]> perCluster = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, TokenBucket[]> eldest) {
      return size() > MAX_CLUSTER_IDS;
    }
  };

  ProduceRateLimits(boolean enabled, long recordsGlobal, long bytesGlobal, long recordsPerCluster,
                    long bytesPerCluster, LongSupplier nanoClock) {
    this.enabled = enabled;
    this.recordsPerCluster = recordsPerCluster;
    this.bytesPerCluster = bytesPerCluster;
    this.nanoClock = nanoClock;
    this.globalRecords = new TokenBucket(recordsGlobal, nanoClock);
    this.globalBytes = new TokenBucket(bytesGlobal, nanoClock);
  }

  /** The limits of {@code config}; {@code clock} is the proxy's (tests freeze it to make refills predictable). */
  public static ProduceRateLimits fromConfig(KafkaRestConfig config, Clock clock) {
    return new ProduceRateLimits(config.getBoolean(KafkaRestConfig.V3_RATE_LIMIT_ENABLED),
        positive(config, KafkaRestConfig.V3_RATE_LIMIT_RECORDS_GLOBAL),
        positive(config, KafkaRestConfig.V3_RATE_LIMIT_BYTES_GLOBAL),
        positive(config, KafkaRestConfig.V3_RATE_LIMIT_RECORDS),
        positive(config, KafkaRestConfig.V3_RATE_LIMIT_BYTES),
        () -> clock.millis() * 1_000_000L);
  }

  private static long positive(KafkaRestConfig config, String key) {
    long value = config.getLong(key);
    if (value <= 0) {
      throw new IllegalArgumentException(key + " must be at least 1: " + value);
    }
    return value;
  }

  /**
   * Takes one record of {@code bytes} (asked only when the limits are on) from every limit, or none of them.
   * @throws LimitExceeded 429 when a limit is exhausted
   */
  void admit(String clusterId, LongSupplier bytes) {
    if (!enabled) {
      return;
    }
    long size = bytes.getAsLong();
    TokenBucket[] cluster = cluster(clusterId);
    // Global first, as upstream: a node over its global limit spends nothing on the per-cluster look-up's buckets.
    TokenBucket[] buckets = {globalRecords, globalBytes, cluster[0], cluster[1]};
    long[] costs = {1, size, 1, size};
    String[] limits = {KafkaRestConfig.V3_RATE_LIMIT_RECORDS_GLOBAL, KafkaRestConfig.V3_RATE_LIMIT_BYTES_GLOBAL,
        KafkaRestConfig.V3_RATE_LIMIT_RECORDS, KafkaRestConfig.V3_RATE_LIMIT_BYTES};
    List<Integer> taken = new ArrayList<>(4);
    for (int i = 0; i < buckets.length; i++) {
      if (!buckets[i].tryTake(costs[i])) {
        taken.forEach(t -> buckets[t].giveBack(costs[t]));
        throw new LimitExceeded(limits[i], Errors.TOO_MANY_REQUESTS, Errors.TOO_MANY_REQUESTS, EXCEEDED);
      }
      taken.add(i);
    }
  }

  private synchronized TokenBucket[] cluster(String clusterId) {
    return perCluster.computeIfAbsent(clusterId, id -> new TokenBucket[] {
        new TokenBucket(recordsPerCluster, nanoClock), new TokenBucket(bytesPerCluster, nanoClock)});
  }
}
