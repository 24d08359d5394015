package dev.kafkarest.consumer;

import dev.kafkarest.KafkaRestConfig;
import dev.kafkarest.error.Errors;
import dev.kafkarest.error.LimitExceeded;
import dev.kafkarest.error.RestException;
import dev.kafkarest.format.RecordFormat;
import dev.kafkarest.format.RecordFormats;
import dev.kafkarest.http.NodeForwarder;
import dev.kafkarest.kafka.ClientVersion;
import dev.kafkarest.kafka.KafkaClients;
import dev.kafkarest.metrics.ProxyMetrics;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.ClientUtils;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns every consumer instance of a proxy: creation with its limits, look-up, deletion, idle expiry, and the
 * one bounded thread pool all instances share.
 */
public final class ConsumerRegistry implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ConsumerRegistry.class);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);
  private static final long KEEP_IN_GROUP_NANOS = TimeUnit.MILLISECONDS.toNanos(900);

  private final KafkaRestConfig config;
  private final KafkaClients clients;
  private final RecordFormats formats;
  private final Clock clock;
  private final ScheduledExecutorService timer;
  private final ProxyMetrics metrics;
  private final ThreadPoolExecutor pool;
  private final Map<ConsumerInstanceId, ConsumerInstance> instances = new ConcurrentHashMap<>();
  private final AtomicInteger reserved = new AtomicInteger();
  private final int maxInstances;
  private final Semaphore polls;
  private final ScheduledFuture<?> expiry;
  private volatile boolean closed;
  /**
   * The consumer settings come from the proxy's configuration; the only per-instance ones (group.id, and
   * auto.offset.reset, which the endpoint checks itself) cannot make them invalid. So they are checked once, at
   * the first create: parsing them per create made garbage that grew the heap (+70 MiB RSS for 1000 creates).
   */
  private volatile boolean settingsChecked;
  /** Durable instances only (consumer.instances.durable): the state every node shares, else null. */
  private final DurableInstances durable;

  public ConsumerRegistry(KafkaRestConfig config, KafkaClients clients, RecordFormats formats, Clock clock,
                          ScheduledExecutorService timer) {
    this(config, clients, formats, clock, timer, ProxyMetrics.NONE);
  }

  public ConsumerRegistry(KafkaRestConfig config, KafkaClients clients, RecordFormats formats, Clock clock,
                          ScheduledExecutorService timer, ProxyMetrics metrics) {
    this.config = config;
    this.metrics = metrics;
    this.clients = clients;
    this.formats = formats;
    this.clock = clock;
    this.timer = timer;
    this.maxInstances = config.getInt(KafkaRestConfig.CONSUMER_MAX_INSTANCES);
    this.polls = new Semaphore(config.getInt(KafkaRestConfig.CONSUMER_MAX_POLLS));
    int threads = Math.max(1, config.getInt(KafkaRestConfig.CONSUMER_THREADS));
    AtomicInteger n = new AtomicInteger();
    this.pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
      Thread t = new Thread(r, "kafka-rest-consumer-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    this.pool.allowCoreThreadTimeOut(true);
    this.durable = DurableInstances.enabled(config) ? new DurableInstances(config, clients, clock, this) : null;
    this.expiry = timer.scheduleWithFixedDelay(this::maintain, 1, 1, TimeUnit.SECONDS);
  }

  /** Creates an instance; its name is the requested one or a generated {@code rest-consumer-<uuid>}. */
  public ConsumerInstance create(String group, ConsumerSettings settings, String owner) {
    String name = settings.name() != null ? settings.name() : generatedName();
    ConsumerInstanceId id = new ConsumerInstanceId(group, name);
    if (instances.containsKey(id) || durable != null && durable.exists(id, settings.name() != null)) {
      throw Errors.consumerAlreadyExists();
    }
    ConsumerInstance instance = register(id, settings, owner, null);
    if (durable != null) {
      durable.created(instance);
    }
    return instance;
  }

  /**
   * Makes a local instance within the per-node limit: a new one, or (with {@code takenOver}) one whose state is
   * in the durable store and whose consumer will be rebuilt from it. Returns the instance in the map.
   */
  ConsumerInstance register(ConsumerInstanceId id, ConsumerSettings settings, String owner,
                            dev.kafkarest.consumer.durable.InstanceState takenOver) {
    String group = id.group();
    RecordFormat format = formats.get(settings.format());
    if (closed) {
      throw Errors.unavailable("The proxy is shutting down.");
    }
    if (reserved.incrementAndGet() > maxInstances) {
      reserved.decrementAndGet();
      throw Errors.tooManyConsumers(maxInstances);
    }
    try {
      Map<String, Object> properties = consumerProperties(group, settings);
      if (!settingsChecked) {
        validate(properties, group);
        settingsChecked = true;
      }
      java.util.function.Supplier<Consumer<byte[], byte[]>> factory = () -> newConsumer(properties, group);
      if (durable != null) {
        properties.put("group.instance.id", DurableInstances.groupInstanceId(id));
        factory = durable.claimingFactory(id, factory);
      }
      ConsumerInstance instance = new ConsumerInstance(id, owner, settings, format,
          factory, pool, timer, clock,
          config.getLong(KafkaRestConfig.CONSUMER_ITERATOR_BACKOFF_MS), autoCommitInterval(),
          config.getLong(KafkaRestConfig.CONSUMER_REQUEST_MAX_BYTES), metrics.consumerInstance());
      if (takenOver != null) {
        instance.restoreOnFirstUse(takenOver.subscription());
      }
      if (durable != null) {
        instance.onSubscriptionChange(() -> durable.subscriptionChanged(instance));
        instance.commitAfterEachAnswer(); // asynchronously, after the answer: a sticky read pays no round trip
      }
      ConsumerInstance existing = instances.putIfAbsent(id, instance);
      if (existing != null) {
        if (takenOver == null) {
          throw Errors.consumerAlreadyExists();
        }
        reserved.decrementAndGet(); // another request of this node took it over first: use that one
        return existing;
      }
      if (closed && instances.remove(id, instance)) { // close() ran meanwhile and did not see this one
        throw Errors.unavailable("The proxy is shutting down.");
      }
      return instance;
    } catch (RuntimeException e) {
      reserved.decrementAndGet();
      throw e;
    }
  }

  private String generatedName() {
    String prefix = config.get(KafkaRestConfig.ID);
    return "rest-consumer-" + (prefix.isEmpty() ? "" : prefix + "-") + UUID.randomUUID();
  }

  /**
   * The client settings every instance's consumer starts from, before the {@code consumer.*} settings. Public so
   * that a comparison (the benchmark's native consumer) can run with exactly the same ones.
   */
  public static Map<String, Object> instanceDefaults() {
    Map<String, Object> props = new java.util.HashMap<>();
    props.put("default.api.timeout.ms", "10000");
    // Reads poll with a zero timeout, which takes only what the socket already holds: with Kafka's 64 KiB
    // receive buffer a 3 MiB fetch answer needs dozens of polls. The OS default (auto-tuned) takes it in one.
    props.put("receive.buffer.bytes", "-1");
    // Client telemetry (KIP-714) keeps a second copy of every metric of every instance, about 43 KiB each; the
    // proxy may hold a thousand instances. Off unless consumer.enable.metrics.push says otherwise.
    props.put("enable.metrics.push", "false");
    // JMX registration of each instance's ~140 metrics: about 13 KiB of heap per instance and a lot of garbage at
    // creation (1000 instances, assigned and read once: +383-401 MiB RSS with it, +272 MiB without, in the
    // benchmark). Off unless consumer.metric.reporters names org.apache.kafka.common.metrics.JmxReporter.
    props.put("metric.reporters", "");
    if (ClientVersion.major() < 4) {
      // kafka-clients 3.x adds the JmxReporter whatever metric.reporters says, unless this is off (the key is gone
      // in 4.0, which would warn about it).
      props.put("auto.include.jmx.reporter", "false");
    }
    return props;
  }

  private Map<String, Object> consumerProperties(String group, ConsumerSettings settings) {
    Map<String, Object> props = instanceDefaults();
    props.putAll(config.consumerProperties());
    props.put("group.id", group);
    // The instance commits what it returned; Kafka's auto-commit would also commit records still buffered here.
    props.put("enable.auto.commit", "false");
    if (settings.autoOffsetReset() != null) {
      props.put("auto.offset.reset", settings.autoOffsetReset());
    }
    if (settings.isolationLevel() != null) {
      props.put("isolation.level", settings.isolationLevel());
    }
    return props;
  }

  /**
   * The Kafka consumer itself is created at the instance's first call; its settings are checked now, so that a
   * bad configuration still fails the create request rather than a later one.
   */
  private static void validate(Map<String, Object> properties, String group) {
    Map<String, Object> withDeserializers = new java.util.HashMap<>(properties);
    withDeserializers.put("key.deserializer", ByteArrayDeserializer.class);
    withDeserializers.put("value.deserializer", ByteArrayDeserializer.class);
    try {
      ClientUtils.parseAndValidateAddresses(new ConsumerConfig(withDeserializers));
    } catch (KafkaException e) {
      throw creationFailed(group, e);
    }
  }

  private Consumer<byte[], byte[]> newConsumer(Map<String, Object> properties, String group) {
    try {
      return clients.consumer(properties);
    } catch (KafkaException e) {
      throw creationFailed(group, e);
    }
  }

  /**
   * The client's own settings are checked before this point; what fails here is the proxy's configuration or the
   * environment (an unresolvable bootstrap host), which must not be echoed back.
   */
  private static RestException creationFailed(String group, KafkaException e) {
    log.error("Could not create a Kafka consumer for group {}", group, e);
    return new RestException(500, Errors.KAFKA_ERROR, "Could not create the Kafka consumer; see the proxy log.");
  }

  private long autoCommitInterval() {
    Object value = config.consumerProperties().get("auto.commit.interval.ms");
    return value == null ? 5000 : Long.parseLong(value.toString());
  }

  /** The instance, for its owner only: an instance created by an authenticated caller serves no one else. */
  public ConsumerInstance get(String group, String name, String principal) {
    ConsumerInstanceId id = new ConsumerInstanceId(group, name);
    ConsumerInstance instance = instances.get(id);
    if (instance != null && instance.lost()) {
      drop(instance);
      instance = null;
    }
    if (instance == null && durable != null) {
      instance = durable.takeOver(id, principal); // this node does not hold it: the store may know it
    }
    if (instance == null) {
      throw Errors.consumerInstanceNotFound();
    }
    if (instance.owner() != null && !instance.owner().equals(principal)) {
      throw new RestException(Errors.FORBIDDEN, Errors.KAFKA_AUTHORIZATION,
          "Forbidden: this consumer instance belongs to another caller.");
    }
    instance.touch();
    return instance;
  }

  /** An instance's recorded owner: another node, at {@code url}, and the instance's settings (for time bounds). */
  public record Owner(String node, String url, ConsumerSettings settings) {}

  /**
   * Forwarding (durable instances with {@code consumer.instances.node.url}): sends requests for instances another
   * node holds to that node. Null when off.
   */
  public NodeForwarder forwarder() {
    return durable == null ? null : durable.forwarder();
  }

  /**
   * Where to forward a request for this instance: empty when this node holds it or should serve it itself (take
   * it over, or answer 404). Throws the 403 when the instance belongs to another caller. {@code credentialsTravel}:
   * the request carries what lets the owner's host authenticate the caller again ({@code Authorization}).
   */
  public Optional<Owner> ownerElsewhere(String group, String name, String principal, boolean credentialsTravel) {
    ConsumerInstanceId id = new ConsumerInstanceId(group, name);
    ConsumerInstance instance = instances.get(id);
    if (durable == null || instance != null && !instance.lost()) {
      return Optional.empty(); // held here, or not durable
    }
    return durable.ownerElsewhere(id, principal, credentialsTravel);
  }

  /** Counts what became of a request for an instance held elsewhere (see {@link ProxyMetrics#consumerForward}). */
  public void forwardOutcome(String outcome) {
    metrics.consumerForward(outcome);
  }

  public CompletionStage<Void> delete(String group, String name) {
    ConsumerInstance instance = instances.remove(new ConsumerInstanceId(group, name));
    if (instance == null) {
      throw Errors.consumerInstanceNotFound();
    }
    CompletionStage<Void> closed = close(instance);
    return durable == null ? closed : closed.thenCompose(v -> durable.deleted(instance.id()));
  }

  /** This node no longer holds the instance (another node took it over, or it was deleted elsewhere). */
  void drop(ConsumerInstance instance) {
    drop(instance, true);
  }

  /** As {@link #drop(ConsumerInstance)}; {@code moved} false: it was deleted, so its requests answer 404. */
  void drop(ConsumerInstance instance, boolean moved) {
    if (instances.remove(instance.id(), instance)) {
      instance.abandon(moved);
      reserved.decrementAndGet();
    }
  }

  ConsumerInstance local(ConsumerInstanceId id) {
    return instances.get(id);
  }

  java.util.Collection<ConsumerInstance> locals() {
    return instances.values();
  }

  long instanceTimeoutMs() {
    return config.getLong(KafkaRestConfig.CONSUMER_INSTANCE_TIMEOUT_MS);
  }

  /** Whether this node holds the instance now (for tests and diagnostics). */
  public boolean holds(String group, String name) {
    ConsumerInstance instance = instances.get(new ConsumerInstanceId(group, name));
    return instance != null && !instance.lost();
  }

  /** Runs one read, within the proxy-wide limit on concurrent long polls. */
  public CompletionStage<java.util.List<ConsumedRecord>> read(ConsumerInstance instance, long timeoutMs,
                                                              long maxBytes) {
    if (!polls.tryAcquire()) {
      throw new LimitExceeded(KafkaRestConfig.CONSUMER_MAX_POLLS, 429, 429,
          "Too many concurrent records requests; try again shortly.");
    }
    try {
      long minBytes = instance.settings().fetchMinBytes() > 0 ? instance.settings().fetchMinBytes()
          : config.getLong(KafkaRestConfig.FETCH_MIN_BYTES);
      // The permit is back before the caller sees the answer, so the client's next read is not refused.
      CompletionStage<List<ConsumedRecord>> records = instance.read(new ReadLimits(timeoutMs, maxBytes, minBytes));
      return metrics.read(records).whenComplete((r, e) -> polls.release());
    } catch (RuntimeException e) {
      polls.release();
      throw e;
    }
  }

  /** The longest a read of this instance may wait: the instance's setting or the proxy default, capped by timeout. */
  public long readTimeoutMs(ConsumerInstance instance, long requested) {
    return readTimeoutMs(instance.settings(), requested);
  }

  /** As {@link #readTimeoutMs(ConsumerInstance, long)}, for an instance known by its settings. */
  public long readTimeoutMs(ConsumerSettings settings, long requested) {
    Integer own = settings.requestTimeoutMs();
    long ceiling = own != null ? own : config.getLong(KafkaRestConfig.CONSUMER_REQUEST_TIMEOUT_MS);
    return requested <= 0 ? ceiling : Math.min(requested, ceiling);
  }

  public long readMaxBytes(long requested) {
    long ceiling = config.getLong(KafkaRestConfig.CONSUMER_REQUEST_MAX_BYTES);
    return requested <= 0 ? ceiling : Math.min(requested, ceiling);
  }

  public int size() {
    return instances.size();
  }

  private CompletionStage<Void> close(ConsumerInstance instance) {
    return instance.close(CLOSE_TIMEOUT).whenComplete((v, e) -> reserved.decrementAndGet());
  }

  /** Once a second: close instances idle past their timeout, keep the other subscribed ones in their groups. */
  private void maintain() {
    for (ConsumerInstance instance : instances.values()) {
      if (instance.lost()) {
        drop(instance);
      }
    }
    expireIdle();
    if (durable != null) {
      durable.maintain();
    }
    for (ConsumerInstance instance : instances.values()) {
      instance.keepInGroup(KEEP_IN_GROUP_NANOS);
    }
  }

  private void expireIdle() {
    long timeout = config.getLong(KafkaRestConfig.CONSUMER_INSTANCE_TIMEOUT_MS);
    long now = clock.millis();
    for (ConsumerInstance instance : instances.values()) {
      if (!instance.busy() && now - instance.lastUsedMillis() > timeout
          && instances.remove(instance.id(), instance)) {
        log.info("Consumer instance {} expired after {} ms idle", instance.id(), timeout);
        metrics.consumerExpired();
        CompletionStage<Void> closing = close(instance);
        if (durable != null) {
          closing.thenCompose(v -> durable.expired(instance.id()));
        }
      }
    }
  }

  /** Closes every instance (each leaves its group) and the pool; bounded in time. */
  @Override
  public void close() {
    closed = true;
    expiry.cancel(false);
    List<CompletableFuture<Void>> closing = new ArrayList<>();
    for (ConsumerInstanceId id : List.copyOf(instances.keySet())) {
      ConsumerInstance instance = instances.remove(id);
      if (instance != null) {
        closing.add(close(instance).toCompletableFuture());
      }
    }
    try {
      CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new))
          .get(CLOSE_TIMEOUT.toMillis() + 2000, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      log.warn("Some consumer instances did not close in time");
    } catch (Exception e) {
      log.warn("Closing consumer instances failed", e);
    }
    if (durable != null) {
      try {
        durable.close(); // the instances stay in the store: any node takes them over at their next request
      } catch (RuntimeException e) {
        log.warn("Closing the consumer instance store failed", e);
      }
    }
    pool.shutdown();
    try {
      if (!pool.awaitTermination(5, TimeUnit.SECONDS)) {
        pool.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      pool.shutdownNow();
    }
  }
}
