package dev.kafkarest;

import dev.kafkarest.consumer.ConsumerRegistry;
import dev.kafkarest.endpoint.OpenApiEndpoint;
import dev.kafkarest.endpoint.events.TopicEventsEndpoint;
import dev.kafkarest.endpoint.v2.BrokersEndpoint;
import dev.kafkarest.endpoint.v2.ConsumersEndpoint;
import dev.kafkarest.endpoint.v2.PartitionsEndpoint;
import dev.kafkarest.endpoint.v2.ProduceEndpoint;
import dev.kafkarest.endpoint.v2.RootEndpoint;
import dev.kafkarest.endpoint.v2.TopicsEndpoint;
import dev.kafkarest.endpoint.v3.AclsEndpoint;
import dev.kafkarest.endpoint.v3.ClustersEndpoint;
import dev.kafkarest.endpoint.v3.ConfigsEndpoint;
import dev.kafkarest.endpoint.v3.ConsumerGroupsEndpoint;
import dev.kafkarest.endpoint.v3.ConsumerLagsEndpoint;
import dev.kafkarest.endpoint.v3.ProduceBatchEndpoint;
import dev.kafkarest.endpoint.v3.ProduceRateLimits;
import dev.kafkarest.endpoint.v3.ProduceStreamEndpoint;
import dev.kafkarest.endpoint.v3.ProduceStreams;
import dev.kafkarest.endpoint.v3.ReassignmentsEndpoint;
import dev.kafkarest.endpoint.v3.V3PartitionsEndpoint;
import dev.kafkarest.endpoint.v3.V3TopicsEndpoint;
import dev.kafkarest.error.Errors;
import dev.kafkarest.error.ExceptionMapper;
import dev.kafkarest.error.RestException;
import dev.kafkarest.format.RecordFormats;
import dev.kafkarest.health.Health;
import dev.kafkarest.health.HealthCheck;
import dev.kafkarest.http.Body;
import dev.kafkarest.http.Json;
import dev.kafkarest.http.LimitedInputStream;
import dev.kafkarest.http.MediaTypes;
import dev.kafkarest.http.RestRequest;
import dev.kafkarest.http.RestResponse;
import dev.kafkarest.http.Router;
import dev.kafkarest.idempotency.KeyedRequests;
import dev.kafkarest.kafka.AclAdmin;
import dev.kafkarest.kafka.ClusterAdmin;
import dev.kafkarest.kafka.ConfigAdmin;
import dev.kafkarest.kafka.GroupAdmin;
import dev.kafkarest.kafka.KafkaClients;
import dev.kafkarest.kafka.RecordProducer;
import dev.kafkarest.kafka.TopicRecordLimits;
import dev.kafkarest.kafka.TopicAdmin;
import dev.kafkarest.metrics.ProxyMetrics;
import dev.kafkarest.metrics.RequestMeter;
import dev.kafkarest.schema.RegistrySettings;
import dev.kafkarest.schema.SchemaFormats;
import dev.kafkarest.schema.SchemaRegistryClient;
import dev.kafkarest.security.AccessGuard;
import dev.kafkarest.security.AccessPolicy;
import dev.kafkarest.stream.EventStreams;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.Producer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proxy: one per mount. {@link #handle} turns a neutral request into a complete answer and never fails;
 * {@link #close} releases every client and thread it owns. Thread-safe.
 */
public final class KafkaRest implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(KafkaRest.class);

  private final KafkaRestConfig config;
  private final Producer<byte[], byte[]> producer;
  private final Admin admin;
  private final ConsumerRegistry consumers;
  private final ProduceStreams produceStreams;
  private final EventStreams eventStreams;
  private final KeyedRequests keyed;
  private final ScheduledExecutorService scheduler;
  private final boolean ownsScheduler;
  private final Router router;
  private final long requestMaxBytes;
  private final ProxyMetrics metrics;
  private final HealthCheck health;
  private final AtomicBoolean closed = new AtomicBoolean();

  private KafkaRest(Builder b) {
    DependencyFloors.check(); // before anything touches a library that may be too old
    this.config = b.config;
    this.metrics = b.metrics;
    this.ownsScheduler = b.scheduler == null;
    this.scheduler = ownsScheduler ? newScheduler() : b.scheduler;
    KafkaClients clients = b.clients;
    RecordFormats formats = b.formats != null ? b.formats : SchemaFormats.forConfig(config);
    this.producer = clients.producer(config.producerProperties());
    this.admin = clients.admin(config.adminProperties());
    this.consumers = new ConsumerRegistry(config, clients, formats, b.clock, scheduler, metrics);
    this.requestMaxBytes = config.getLong(KafkaRestConfig.REQUEST_MAX_BYTES);
    AccessGuard guard = new AccessGuard(b.accessPolicy);
    ClusterAdmin clusterAdmin = new ClusterAdmin(admin);
    TopicAdmin topicAdmin = new TopicAdmin(admin);
    ConfigAdmin configAdmin = new ConfigAdmin(admin);
    GroupAdmin groupAdmin = new GroupAdmin(admin);
    AclAdmin aclAdmin = new AclAdmin(admin);
    TopicRecordLimits recordLimits = TopicRecordLimits.of(admin, config.producerProperties());
    RecordProducer recordProducer = new RecordProducer(producer, metrics, recordLimits);
    this.keyed = new KeyedRequests(config, clients, admin, recordProducer, recordLimits, b.clock, scheduler);
    this.produceStreams = new ProduceStreams(config.getInt(KafkaRestConfig.V3_MAX_STREAMS));
    ProduceStreamEndpoint.Limits streamLimits = new ProduceStreamEndpoint.Limits(
        config.getInt(KafkaRestConfig.V3_STREAM_MAX_IN_FLIGHT),
        config.getLong(KafkaRestConfig.V3_STREAM_MAX_DURATION_MS),
        config.getLong(KafkaRestConfig.V3_STREAM_RECORD_MAX_BYTES),
        requestMaxBytes, config.getInt(KafkaRestConfig.PRODUCE_MAX_RECORDS)); // a keyed stream's bounds
    ProduceRateLimits rateLimits = ProduceRateLimits.fromConfig(config, b.clock);
    this.eventStreams = new EventStreams(new EventStreams.Settings(config.getInt(KafkaRestConfig.EVENTS_MAX_STREAMS),
        config.getLong(KafkaRestConfig.EVENTS_KEEPALIVE_MS), config.getLong(KafkaRestConfig.EVENTS_MAX_DURATION_MS)));
    this.router = Router.builder()
        .endpoint(new RootEndpoint())
        .endpoint(new OpenApiEndpoint())
        .endpoint(new TopicsEndpoint(topicAdmin, configAdmin, guard))
        .endpoint(new PartitionsEndpoint(topicAdmin, guard))
        .endpoint(new BrokersEndpoint(clusterAdmin, guard))
        .endpoint(new ProduceEndpoint(recordProducer, formats, config.getInt(KafkaRestConfig.PRODUCE_MAX_RECORDS), guard,
            keyed))
        .endpoint(new ConsumersEndpoint(consumers, guard, eventStreams))
        .endpoint(new ClustersEndpoint(clusterAdmin, guard))
        .endpoint(new V3TopicsEndpoint(clusterAdmin, topicAdmin, guard))
        .endpoint(new V3PartitionsEndpoint(clusterAdmin, topicAdmin, guard))
        .endpoint(new ConfigsEndpoint(ConfigsEndpoint.Scope.TOPIC, clusterAdmin, configAdmin, topicAdmin, guard))
        .endpoint(new ConfigsEndpoint(ConfigsEndpoint.Scope.BROKER, clusterAdmin, configAdmin, topicAdmin, guard))
        .endpoint(new ConfigsEndpoint(ConfigsEndpoint.Scope.CLUSTER, clusterAdmin, configAdmin, topicAdmin, guard))
        .endpoint(new ReassignmentsEndpoint(clusterAdmin, topicAdmin, guard))
        .endpoint(new ConsumerGroupsEndpoint(clusterAdmin, groupAdmin, guard))
        .endpoint(new ConsumerLagsEndpoint(clusterAdmin, groupAdmin, guard))
        .endpoint(new AclsEndpoint(clusterAdmin, aclAdmin, guard))
        .endpoint(new ProduceBatchEndpoint(recordProducer, formats,
            config.getInt(KafkaRestConfig.V3_BATCH_MAX_ENTRIES), rateLimits, guard, keyed))
        .endpoint(new ProduceStreamEndpoint(recordProducer, formats, produceStreams, streamLimits, rateLimits, guard,
            keyed))
        .endpoint(new TopicEventsEndpoint(topicAdmin, formats, eventStreams,
            () -> clients.consumer(config.eventStreamConsumerProperties()), guard))
        .build();
    metrics.bind(new ProxyMetrics.Sources(producer, admin, consumers::size, produceStreams::active));
    this.health = new HealthCheck(admin, registryForHealth(config), closed::get,
        config.getLong(KafkaRestConfig.HEALTH_TIMEOUT_MS), config.getLong(KafkaRestConfig.HEALTH_CACHE_MS));
  }

  /** The registry client of the health check, made at its first use: a host that never asks pays nothing. */
  private static Supplier<SchemaRegistryClient> registryForHealth(KafkaRestConfig config) {
    if (!RegistrySettings.isConfigured(config)) {
      return null;
    }
    AtomicReference<SchemaRegistryClient> client = new AtomicReference<>();
    return () -> client.updateAndGet(c -> c != null ? c : new SchemaRegistryClient(RegistrySettings.from(config)));
  }

  public static Builder builder(KafkaRestConfig config) {
    return new Builder(config);
  }

  public static KafkaRest create(KafkaRestConfig config) {
    return builder(config).build();
  }

  public KafkaRestConfig config() {
    return config;
  }

  /** The consumer instances of this proxy; for tests in this package. */
  ConsumerRegistry consumerRegistry() {
    return consumers;
  }

  /** v3 produce streams open now (a stream's slot is given back once both its threads are done). */
  public int activeProduceStreams() {
    return produceStreams.active();
  }

  /**
   * Whether Kafka (and the Schema Registry, when configured) answered within {@code health.timeout.ms}, and whether
   * the proxy is closing; for the host's health page. Blocks at most about that timeout; results are reused for
   * {@code health.cache.ms}.
   */
  public Health health() {
    return health.check();
  }

  /** Server-Sent Events streams open now, and the Kafka consumers they hold. */
  public int activeEventStreams() {
    return eventStreams.active();
  }

  public int eventStreamConsumers() {
    return eventStreams.consumersOpen();
  }

  /** Handles one request. The stage always completes normally, with an error answer when something failed. */
  public CompletionStage<RestResponse> handle(RestRequest request) {
    RequestMeter meter = metrics.request(request.method());
    CompletionStage<RestResponse> stage;
    try {
      stage = dispatch(request, meter);
    } catch (Throwable t) {
      stage = CompletableFuture.failedFuture(t);
    }
    return stage.handle((response, failure) ->
        meter.answered(failure == null ? response : errorResponse(request, failure), failure));
  }

  private CompletionStage<RestResponse> dispatch(RestRequest request, RequestMeter meter) throws Exception {
    if (closed.get()) {
      throw Errors.unavailable("The proxy is shutting down.");
    }
    boolean head = request.method().equals("HEAD");
    Router.Match match = router.match(head ? "GET" : request.method(), request.path());
    Router.Route route = match.route();
    meter.route(route.template().text());
    if (head && route.produces().isEmpty()) {
      // HEAD is GET without the body, so only for reads without side effects: never for records.
      throw Errors.methodNotAllowed();
    }
    checkContentType(request, route);
    String responseType = negotiate(request, route);
    // A stream's body has no total limit: it bounds each record instead.
    InputStream body = meter.body(route.streaming() ? request.body()
        : new LimitedInputStream(request.body(), requestMaxBytes));
    RestRequest limited = new RestRequest(request.method(), request.path(), request.query(), request.headers(),
        body, request.baseUri(), request.principal());
    CompletionStage<RestResponse> stage = route.handler().handle(limited, match.params());
    if (responseType != null && !responseType.equals(MediaTypes.V2)) {
      stage = stage.thenApply(r -> withContentType(r, responseType));
    }
    return head ? stage.thenApply(r -> new RestResponse(r.status(), r.headers(), Body.EMPTY)) : stage;
  }

  private void checkContentType(RestRequest request, Router.Route route) {
    if (route.consumes().isEmpty()) {
      return;
    }
    String contentType = request.header("Content-Type").orElse(null);
    if (contentType == null) {
      if (hasBody(request)) {
        throw Errors.unsupportedMediaType(null, route.consumes());
      }
      return;
    }
    if (!route.consumes().contains(MediaTypes.essence(contentType))) {
      throw Errors.unsupportedMediaType(contentType, route.consumes());
    }
    if (!route.streaming() && request.contentLength() > requestMaxBytes) {
      throw Errors.requestTooLarge(requestMaxBytes);
    }
  }

  private static boolean hasBody(RestRequest request) {
    return request.header("Transfer-Encoding").isPresent()
        || request.contentLength() > 0;
  }

  private static String negotiate(RestRequest request, Router.Route route) {
    if (route.produces().isEmpty()) {
      return null;
    }
    String chosen = MediaTypes.negotiate(request.header("Accept").orElse(null), route.produces());
    if (chosen == null) {
      throw Errors.notAcceptable();
    }
    return chosen;
  }

  private static RestResponse withContentType(RestResponse response, String type) {
    if (response.status() >= 300 || response.contentType() == null) {
      return response;
    }
    Map<String, List<String>> headers = new java.util.LinkedHashMap<>(response.headers());
    headers.put("Content-Type", List.of(type));
    return new RestResponse(response.status(), headers, response.body());
  }

  /** v2 errors are {@code application/vnd.kafka.v2+json}, v3 errors {@code application/json}, as upstream. */
  private static RestResponse errorResponse(RestRequest request, Throwable failure) {
    RestException e = ExceptionMapper.toRestException(failure);
    boolean v3 = request.path() != null && (request.path().equals("/v3") || request.path().startsWith("/v3/"));
    return Json.error(e, v3 ? MediaTypes.JSON : MediaTypes.V2);
  }

  /**
   * Stops taking requests, closes every consumer instance (they leave their groups), flushes the producer so
   * in-flight produce requests get their answers, and releases every thread. Bounded in time.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    closeQuietly("consumer instances", consumers::close);
    closeQuietly("produce streams", produceStreams::close);
    closeQuietly("event streams", eventStreams::close);
    closeQuietly("keyed produce", keyed::close);
    closeQuietly("producer", () -> producer.close(Duration.ofSeconds(30)));
    closeQuietly("admin client", () -> admin.close(Duration.ofSeconds(5)));
    closeQuietly("metrics", metrics::close);
    if (ownsScheduler) {
      scheduler.shutdownNow();
      closeQuietly("scheduler", () -> scheduler.awaitTermination(5, TimeUnit.SECONDS));
    }
  }

  private interface Step {
    void run() throws Exception;
  }

  private static void closeQuietly(String what, Step step) {
    try {
      step.run();
    } catch (Exception e) {
      log.warn("Closing the {} failed", what, e);
    }
  }

  private static ScheduledExecutorService newScheduler() {
    ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "kafka-rest-timer");
      t.setDaemon(true);
      return t;
    });
    timer.setRemoveOnCancelPolicy(true); // every read cancels its deadline; keep the queue short
    return timer;
  }

  /** Builds a proxy; tests may swap the Kafka clients, the clock and the scheduler. */
  public static final class Builder {
    private final KafkaRestConfig config;
    private KafkaClients clients = KafkaClients.standard();
    private Clock clock = Clock.systemUTC();
    private ScheduledExecutorService scheduler;
    private RecordFormats formats;
    private AccessPolicy accessPolicy = AccessPolicy.ALLOW_ALL;
    private ProxyMetrics metrics = ProxyMetrics.NONE;

    private Builder(KafkaRestConfig config) {
      this.config = config;
    }

    public Builder clients(KafkaClients clients) {
      this.clients = clients;
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    /** A scheduler owned by the host; the proxy then does not shut it down. */
    public Builder scheduler(ScheduledExecutorService scheduler) {
      this.scheduler = scheduler;
      return this;
    }

    public Builder formats(RecordFormats formats) {
      this.formats = formats;
      return this;
    }

    /** Who may do what; the binding supplies the caller's principal. Default: everything is allowed. */
    public Builder accessPolicy(AccessPolicy policy) {
      this.accessPolicy = policy;
      return this;
    }

    /**
     * Where the proxy reports its meters: {@code MicrometerMetrics.of(registry)} for a Micrometer
     * {@code MeterRegistry}. The proxy owns it from here on and closes it (its meters leave the registry) on close.
     * Default: none, and no Micrometer class is ever loaded.
     */
    public Builder metrics(ProxyMetrics metrics) {
      this.metrics = metrics;
      return this;
    }

    public KafkaRest build() {
      return new KafkaRest(this);
    }
  }
}
