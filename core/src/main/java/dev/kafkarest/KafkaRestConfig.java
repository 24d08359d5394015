package dev.kafkarest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * The proxy's configuration: immutable, built with {@link #builder()} or {@link #fromProperties(Properties)}.
 * Keys follow Confluent REST Proxy: {@code client.*} goes to every Kafka client, {@code producer.*},
 * {@code consumer.*} and {@code admin.*} to one kind, {@code schema.registry.*} to the registry client.
 */
public final class KafkaRestConfig {
  public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
  public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";
  public static final String CONSUMER_REQUEST_TIMEOUT_MS = "consumer.request.timeout.ms";
  public static final String CONSUMER_INSTANCE_TIMEOUT_MS = "consumer.instance.timeout.ms";
  public static final String CONSUMER_REQUEST_MAX_BYTES = "consumer.request.max.bytes";
  public static final String CONSUMER_ITERATOR_BACKOFF_MS = "consumer.iterator.backoff.ms";
  public static final String CONSUMER_THREADS = "consumer.threads";
  public static final String CONSUMER_MAX_INSTANCES = "consumer.max.instances";
  public static final String CONSUMER_MAX_POLLS = "consumer.max.concurrent.polls";
  public static final String FETCH_MIN_BYTES = "fetch.min.bytes";
  public static final String REQUEST_MAX_BYTES = "request.max.bytes";
  public static final String PRODUCE_MAX_RECORDS = "produce.max.records";
  public static final String ID = "id";
  public static final String V3_BATCH_MAX_ENTRIES = "v3.produce.batch.max.entries";
  public static final String V3_MAX_STREAMS = "v3.produce.max.streams";
  public static final String V3_STREAM_MAX_IN_FLIGHT = "v3.produce.stream.max.in.flight";
  public static final String V3_STREAM_MAX_DURATION_MS = "v3.produce.stream.max.duration.ms";
  public static final String V3_STREAM_RECORD_MAX_BYTES = "v3.produce.stream.record.max.bytes";
  public static final String V3_RATE_LIMIT_ENABLED = "v3.produce.rate.limit.enabled";
  public static final String V3_RATE_LIMIT_RECORDS = "v3.produce.rate.limit.max.requests.per.sec";
  public static final String V3_RATE_LIMIT_RECORDS_GLOBAL = "v3.produce.rate.limit.max.requests.global.per.sec";
  public static final String V3_RATE_LIMIT_BYTES = "v3.produce.rate.limit.max.bytes.per.sec";
  public static final String V3_RATE_LIMIT_BYTES_GLOBAL = "v3.produce.rate.limit.max.bytes.global.per.sec";
  /** How long {@code KafkaRest.health()} waits for Kafka (and the registry) before it calls them down. */
  public static final String HEALTH_TIMEOUT_MS = "health.timeout.ms";
  /** How long a health result is reused, so that a busy health page does not reach the cluster each time. */
  public static final String HEALTH_CACHE_MS = "health.cache.ms";
  public static final String EVENTS_MAX_STREAMS = "events.max.streams";
  public static final String EVENTS_KEEPALIVE_MS = "events.keepalive.ms";
  public static final String EVENTS_MAX_DURATION_MS = "events.max.duration.ms";
  public static final String IDEMPOTENCY_RETENTION_MS = "idempotency.retention.ms";
  public static final String IDEMPOTENCY_REQUEST_TIMEOUT_MS = "idempotency.request.timeout.ms";
  public static final String IDEMPOTENCY_TOPIC = "idempotency.topic";
  public static final String IDEMPOTENCY_TOPIC_PARTITIONS = "idempotency.topic.partitions";
  public static final String IDEMPOTENCY_TOPIC_REPLICATION_FACTOR = "idempotency.topic.replication.factor";
  public static final String IDEMPOTENCY_PRODUCERS = "idempotency.producers";
  public static final String IDEMPOTENCY_TRANSACTIONAL_ID_PREFIX = "idempotency.transactional.id.prefix";
  public static final String IDEMPOTENCY_TRANSACTION_TIMEOUT_MS = "idempotency.transaction.timeout.ms";
  /** Durable consumer instances: their state in a compacted topic that every node reads (off by default). */
  public static final String CONSUMER_DURABLE = "consumer.instances.durable";
  public static final String CONSUMER_STATE_TOPIC = "consumer.instances.topic";
  public static final String CONSUMER_NODE_ID = "consumer.instances.node.id";
  /** This node's externally reachable base URL of its mount: other nodes forward its instances' requests there. */
  public static final String CONSUMER_NODE_URL = "consumer.instances.node.url";

  /** Proxy keys that start with "consumer." but are not Kafka consumer settings. */
  private static final Set<String> PROXY_CONSUMER_KEYS = Set.of(
      CONSUMER_REQUEST_TIMEOUT_MS, CONSUMER_INSTANCE_TIMEOUT_MS, CONSUMER_REQUEST_MAX_BYTES,
      CONSUMER_ITERATOR_BACKOFF_MS, CONSUMER_THREADS, CONSUMER_MAX_INSTANCES, CONSUMER_MAX_POLLS,
      "consumer.iterator.timeout.ms", CONSUMER_DURABLE, CONSUMER_STATE_TOPIC, CONSUMER_NODE_ID,
      CONSUMER_NODE_URL);
  /** Keys whose values are text, not numbers. */
  private static final Set<String> TEXT_KEYS = Set.of(ID, CONSUMER_STATE_TOPIC, CONSUMER_NODE_ID,
      CONSUMER_NODE_URL);

  /** Keys whose values are true or false; every other key with a default and not in TEXT_KEYS is a number. */
  private static final Set<String> BOOLEAN_KEYS = Set.of(V3_RATE_LIMIT_ENABLED, CONSUMER_DURABLE);

  private static final Map<String, String> DEFAULTS = Map.ofEntries(
      Map.entry(CONSUMER_REQUEST_TIMEOUT_MS, "1000"),
      Map.entry(CONSUMER_INSTANCE_TIMEOUT_MS, "300000"),
      Map.entry(CONSUMER_REQUEST_MAX_BYTES, "67108864"),
      Map.entry(CONSUMER_ITERATOR_BACKOFF_MS, "50"),
      Map.entry(CONSUMER_THREADS, "8"),
      Map.entry(CONSUMER_MAX_INSTANCES, "1000"),
      Map.entry(CONSUMER_MAX_POLLS, "1000"),
      Map.entry(FETCH_MIN_BYTES, "-1"),
      Map.entry(REQUEST_MAX_BYTES, "16777216"),
      Map.entry(PRODUCE_MAX_RECORDS, "10000"),
      Map.entry(V3_BATCH_MAX_ENTRIES, "10"),
      Map.entry(V3_MAX_STREAMS, "32"),
      Map.entry(V3_STREAM_MAX_IN_FLIGHT, "1000"),
      Map.entry(V3_STREAM_MAX_DURATION_MS, "86400000"),
      Map.entry(V3_STREAM_RECORD_MAX_BYTES, "16777216"),
      Map.entry(V3_RATE_LIMIT_ENABLED, "false"),
      Map.entry(V3_RATE_LIMIT_RECORDS, "10000"),
      Map.entry(V3_RATE_LIMIT_RECORDS_GLOBAL, "10000"),
      Map.entry(V3_RATE_LIMIT_BYTES, "10000000"),
      Map.entry(V3_RATE_LIMIT_BYTES_GLOBAL, "10000000"),
      Map.entry(HEALTH_TIMEOUT_MS, "2000"),
      Map.entry(HEALTH_CACHE_MS, "1000"),
      Map.entry(EVENTS_MAX_STREAMS, "32"),
      Map.entry(EVENTS_KEEPALIVE_MS, "15000"),
      Map.entry(EVENTS_MAX_DURATION_MS, "86400000"),
      Map.entry(IDEMPOTENCY_RETENTION_MS, "86400000"),
      Map.entry(IDEMPOTENCY_REQUEST_TIMEOUT_MS, "30000"),
      Map.entry(IDEMPOTENCY_TOPIC_PARTITIONS, "10"),
      Map.entry(IDEMPOTENCY_TOPIC_REPLICATION_FACTOR, "-1"),
      Map.entry(IDEMPOTENCY_PRODUCERS, "4"),
      Map.entry(IDEMPOTENCY_TRANSACTION_TIMEOUT_MS, "60000"),
      Map.entry(ID, ""),
      Map.entry(CONSUMER_DURABLE, "false"),
      Map.entry(CONSUMER_STATE_TOPIC, "_kafka_rest_consumer_instances"),
      Map.entry(CONSUMER_NODE_ID, ""),
      Map.entry(CONSUMER_NODE_URL, ""));

  /**
   * Producer defaults for an HTTP proxy: durable (acks=all, idempotent) and never blocking a request for long.
   * One producer carries every client's records, so batches fill from many requests at once: 64 KiB batches
   * (Kafka's 16 KiB hold 15 records of 1 KiB) cut the per-batch work of the producer thread and the broker, and
   * a 1 ms linger lets concurrent requests share a batch while adding at most 1 ms to a lone record.
   */
  static final Map<String, String> PRODUCER_DEFAULTS = Map.of(
      "acks", "all",
      "enable.idempotence", "true",
      "linger.ms", "1",
      "batch.size", "65536",
      "max.block.ms", "5000",
      "request.timeout.ms", "15000",
      "delivery.timeout.ms", "30000");

  static final Map<String, String> ADMIN_DEFAULTS = Map.of(
      "request.timeout.ms", "10000",
      "default.api.timeout.ms", "15000");

  private final Map<String, String> values;

  private KafkaRestConfig(Map<String, String> values) {
    this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    String bootstrap = values.get(BOOTSTRAP_SERVERS);
    if (bootstrap == null || bootstrap.isBlank()) {
      throw new IllegalArgumentException(BOOTSTRAP_SERVERS + " is required");
    }
    for (String key : DEFAULTS.keySet()) {
      if (BOOLEAN_KEYS.contains(key)) {
        getBoolean(key);
      } else if (!TEXT_KEYS.contains(key)) {
        getLong(key);
      }
    }
    String nodeUrl = get(CONSUMER_NODE_URL);
    if (!nodeUrl.isBlank()) {
      try {
        dev.kafkarest.http.NodeForwarder.baseUrl(nodeUrl); // checked before any client exists
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(CONSUMER_NODE_URL + ": " + e.getMessage(), e);
      }
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  public static KafkaRestConfig fromProperties(Properties properties) {
    Builder b = builder();
    properties.stringPropertyNames().forEach(k -> b.set(k, properties.getProperty(k)));
    return b.build();
  }

  public static KafkaRestConfig fromFile(Path file) throws IOException {
    Properties properties = new Properties();
    try (InputStream in = Files.newInputStream(file)) {
      properties.load(in);
    }
    return fromProperties(properties);
  }

  public String get(String key) {
    String value = values.get(key);
    return value != null ? value : DEFAULTS.get(key);
  }

  public boolean getBoolean(String key) {
    String value = get(key).trim();
    if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
      throw new IllegalArgumentException(key + " must be true or false");
    }
    return value.equalsIgnoreCase("true");
  }

  public long getLong(String key) {
    String value = get(key);
    try {
      return Long.parseLong(value.trim());
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(key + " must be a number");
    }
  }

  public int getInt(String key) {
    return Math.toIntExact(getLong(key));
  }

  public String bootstrapServers() {
    return get(BOOTSTRAP_SERVERS);
  }

  /** All keys as given, without defaults. */
  public Map<String, String> asMap() {
    return values;
  }

  public Map<String, Object> producerProperties() {
    Map<String, Object> props = new HashMap<>(PRODUCER_DEFAULTS);
    props.putAll(clientProperties("producer."));
    return props;
  }

  public Map<String, Object> adminProperties() {
    Map<String, Object> props = new HashMap<>(ADMIN_DEFAULTS);
    props.putAll(clientProperties("admin."));
    return props;
  }

  public Map<String, Object> consumerProperties() {
    return clientProperties("consumer.");
  }

  /**
   * The consumer of one event stream: the instances' defaults, no group, nothing committed; {@code consumer.*}
   * keys apply. Fetches are bounded (1 MiB, 500 records per poll unless {@code consumer.*} says otherwise): that
   * is what one stream holds.
   */
  public Map<String, Object> eventStreamConsumerProperties() {
    Map<String, Object> props = new HashMap<>(dev.kafkarest.consumer.ConsumerRegistry.instanceDefaults());
    props.putAll(Map.of(
        "max.poll.records", "500",
        "fetch.max.bytes", "1048576",
        "max.partition.fetch.bytes", "1048576",
        "default.api.timeout.ms", "15000",
        "auto.offset.reset", "earliest"));
    props.putAll(consumerProperties());
    props.remove("group.id");
    props.remove("group.instance.id");
    props.put("enable.auto.commit", "false");
    props.put("allow.auto.create.topics", "false");
    return props;
  }

  /** Settings under a prefix, prefix removed: {@code withPrefix("schema.registry.")}. */
  public Map<String, String> withPrefix(String prefix) {
    Map<String, String> out = new HashMap<>();
    values.forEach((k, v) -> {
      if (k.startsWith(prefix)) {
        out.put(k.substring(prefix.length()), v);
      }
    });
    return out;
  }

  private Map<String, Object> clientProperties(String kindPrefix) {
    Map<String, Object> props = new HashMap<>();
    props.put(BOOTSTRAP_SERVERS, bootstrapServers());
    props.putAll(withPrefix("client."));
    values.forEach((k, v) -> {
      if (k.startsWith(kindPrefix) && !PROXY_CONSUMER_KEYS.contains(k)) {
        props.put(k.substring(kindPrefix.length()), v);
      }
    });
    return props;
  }

  /** Builder; {@link #set} takes any key, typed setters exist for the common ones. */
  public static final class Builder {
    private final Map<String, String> values = new LinkedHashMap<>();

    public Builder set(String key, String value) {
      values.put(key, value);
      return this;
    }

    public Builder bootstrapServers(String servers) {
      return set(BOOTSTRAP_SERVERS, servers);
    }

    public Builder schemaRegistryUrl(String url) {
      return set(SCHEMA_REGISTRY_URL, url);
    }

    public Builder consumerRequestTimeoutMs(long ms) {
      return set(CONSUMER_REQUEST_TIMEOUT_MS, Long.toString(ms));
    }

    public Builder consumerInstanceTimeoutMs(long ms) {
      return set(CONSUMER_INSTANCE_TIMEOUT_MS, Long.toString(ms));
    }

    public Builder requestMaxBytes(long bytes) {
      return set(REQUEST_MAX_BYTES, Long.toString(bytes));
    }

    public KafkaRestConfig build() {
      return new KafkaRestConfig(values);
    }
  }
}
