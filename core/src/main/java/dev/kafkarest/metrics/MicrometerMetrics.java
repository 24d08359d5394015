package dev.kafkarest.metrics;

import dev.kafkarest.error.ExceptionMapper;
import dev.kafkarest.error.LimitExceeded;
import dev.kafkarest.http.Body;
import dev.kafkarest.http.RestResponse;
import dev.kafkarest.http.StreamingBody;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proxy's meters in a Micrometer {@link MeterRegistry}: {@code KafkaRest.builder(config)
 * .metrics(MicrometerMetrics.of(registry))}. The only class of the proxy that needs Micrometer (an optional
 * dependency, 1.14 or newer). Names are dotted and tags few-valued; a {@code topic} tag only with
 * {@link Builder#topicTags}. The Kafka clients' own metrics come from Micrometer's {@link KafkaClientMetrics}.
 * Closing (the proxy does it) removes every meter it registered. The README's "Operating it" lists the meters.
 */
public final class MicrometerMetrics implements ProxyMetrics {
  public static final String HTTP_REQUESTS = "kafka.rest.http.requests";
  public static final String HTTP_BYTES_IN = "kafka.rest.http.bytes.in";
  public static final String HTTP_BYTES_OUT = "kafka.rest.http.bytes.out";
  public static final String HTTP_REJECTIONS = "kafka.rest.http.rejections";
  public static final String PRODUCE_RECORDS = "kafka.rest.produce.records";
  public static final String PRODUCE_BYTES = "kafka.rest.produce.bytes";
  public static final String PRODUCE_ERRORS = "kafka.rest.produce.errors";
  public static final String PRODUCE_ACK = "kafka.rest.produce.ack";
  public static final String PRODUCE_STREAMS = "kafka.rest.produce.streams";
  public static final String CONSUMER_INSTANCES = "kafka.rest.consumer.instances";
  public static final String CONSUMER_READS_WAITING = "kafka.rest.consumer.reads.waiting";
  public static final String CONSUMER_READS = "kafka.rest.consumer.reads";
  public static final String CONSUMER_RECORDS = "kafka.rest.consumer.records";
  public static final String CONSUMER_BYTES = "kafka.rest.consumer.bytes";
  public static final String CONSUMER_REBALANCES = "kafka.rest.consumer.rebalances";
  public static final String CONSUMER_EXPIRED = "kafka.rest.consumer.expired";
  public static final String CONSUMER_FORWARDS = "kafka.rest.consumer.forwards";
  /** The route tag of a request that matched no route (404, 405, or the proxy was closing). */
  public static final String NO_ROUTE = "none";
  /** The limit tag of a 413 or 429 that Kafka gave (a quota, a record too large), not a proxy setting. */
  public static final String KAFKA_LIMIT = "kafka";

  private static final Logger log = LoggerFactory.getLogger(MicrometerMetrics.class);

  private final MeterRegistry registry;
  private final Tags tags;
  private final boolean topicTags;
  private final boolean histograms;
  private final boolean clientMetrics;
  private final boolean consumerClientMetrics;
  /** Every meter registered here, so that close can remove them; keyed by what tells them apart. */
  private final Map<List<Object>, Meter> meters = new ConcurrentHashMap<>();
  /** Consumer instances whose Kafka metrics are bound, to unbind at close. */
  private final Set<Instance> instances = ConcurrentHashMap.newKeySet();
  private final Queue<Binding> bindings = new ConcurrentLinkedQueue<>();
  private final AtomicInteger waitingReads = new AtomicInteger();
  private ScheduledThreadPoolExecutor refresher;
  private volatile boolean closed;

  private MicrometerMetrics(Builder b) {
    this.registry = b.registry;
    this.tags = b.tags;
    this.topicTags = b.topicTags;
    this.histograms = b.histograms;
    this.clientMetrics = b.clientMetrics;
    this.consumerClientMetrics = b.clientMetrics && b.consumerClientMetrics;
  }

  /** The defaults: no extra tags, no topic tag, the Kafka clients' metrics bound. */
  public static MicrometerMetrics of(MeterRegistry registry) {
    return builder(registry).build();
  }

  public static Builder builder(MeterRegistry registry) {
    return new Builder(registry);
  }

  // ---- binding ----

  @Override
  public void bind(Sources sources) {
    gauge(PRODUCE_STREAMS, "v3 produce streams open", sources.produceStreams()::getAsInt);
    gauge(CONSUMER_INSTANCES, "v2 consumer instances alive", sources.consumerInstances()::getAsInt);
    gauge(CONSUMER_READS_WAITING, "records reads waiting for records or their timeout", waitingReads::get);
    if (clientMetrics) {
      bindClient(view -> new KafkaClientMetrics(sources.producer(), tags, view));
      if (sources.admin() instanceof AdminClient admin) {
        bindClient(view -> new KafkaClientMetrics(admin, tags, view));
      }
    }
  }

  private void gauge(String name, String description, Supplier<Number> value) {
    meter(List.of(name), () -> Gauge.builder(name, value).description(description).tags(tags).register(registry));
  }

  /** A Kafka client's metrics, refreshed on the shared thread; null when closed or when binding failed. */
  private synchronized Binding bindClient(Function<ScheduledExecutorService, KafkaClientMetrics> binder) {
    if (closed) {
      return null;
    }
    CancellableScheduler view = new CancellableScheduler(refresher());
    try {
      KafkaClientMetrics metrics = binder.apply(view);
      metrics.bindTo(registry);
      Binding binding = new Binding(metrics, view);
      bindings.add(binding);
      return binding;
    } catch (RuntimeException | LinkageError e) {
      view.shutdown();
      log.warn("Could not bind a Kafka client's metrics", e);
      return null;
    }
  }

  /** The one thread that refreshes every client's meter list (Micrometer would start one per client). */
  private ScheduledExecutorService refresher() {
    if (refresher == null) {
      refresher = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "kafka-rest-metrics");
        t.setDaemon(true);
        return t;
      });
      refresher.setRemoveOnCancelPolicy(true);
    }
    return refresher;
  }

  /** One client's {@link KafkaClientMetrics} and the view of the scheduler it refreshes on. */
  private record Binding(KafkaClientMetrics metrics, CancellableScheduler scheduler) {
    void close() {
      scheduler.shutdown();
      metrics.close();
    }
  }

  // ---- meters, created once per key ----

  @SuppressWarnings("unchecked")
  private <M extends Meter> M meter(List<Object> key, Supplier<M> create) {
    Meter meter = meters.get(key);
    if (meter == null) {
      synchronized (this) {
        if (closed) {
          return null;
        }
        meter = meters.computeIfAbsent(key, k -> create.get());
      }
    }
    return (M) meter;
  }

  private Counter counter(String name, String unit, Tag... extra) {
    List<Object> key = List.of(name, List.of(extra));
    return meter(key, () -> Counter.builder(name).baseUnit(unit).tags(tags).tags(List.of(extra)).register(registry));
  }

  private Timer timer(String name, Tag... extra) {
    List<Object> key = List.of(name, List.of(extra));
    // Null unless asked for: a host's MeterFilter (Spring Boot's management.metrics.distribution.*) then decides.
    Boolean histogram = histograms ? Boolean.TRUE : null;
    return meter(key, () -> Timer.builder(name).tags(tags).tags(List.of(extra)).publishPercentileHistogram(histogram)
        .register(registry));
  }

  private static void increment(Counter counter, double amount) {
    if (counter != null) {
      counter.increment(amount);
    }
  }

  private static void record(Timer timer, long startNanos) {
    if (timer != null) {
      timer.record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
    }
  }

  private Tag[] topic(String topic) {
    return topicTags ? new Tag[] {Tag.of("topic", topic)} : new Tag[0];
  }

  // ---- HTTP ----

  @Override
  public RequestMeter request(String method) {
    return closed ? RequestMeter.NONE : new Request(method);
  }

  private final class Request implements RequestMeter {
    private final String method;
    private final long start = System.nanoTime();
    private volatile String route = NO_ROUTE;

    Request(String method) {
      this.method = method;
    }

    @Override
    public void route(String template) {
      route = template;
    }

    @Override
    public InputStream body(InputStream body) {
      Counter in = counter(HTTP_BYTES_IN, "bytes", Tag.of("route", route));
      return in == null ? body : new CountingInput(body, in);
    }

    @Override
    public RestResponse answered(RestResponse response, Throwable failure) {
      int status = response.status();
      record(timer(HTTP_REQUESTS, Tag.of("method", method), Tag.of("route", route),
          Tag.of("status", Integer.toString(status))), start);
      String limit = limit(status, failure);
      if (limit != null) {
        increment(counter(HTTP_REJECTIONS, null, Tag.of("limit", limit), Tag.of("status", Integer.toString(status))),
            1);
      }
      Counter out = counter(HTTP_BYTES_OUT, "bytes", Tag.of("route", route));
      if (out == null || response.body() == Body.EMPTY) {
        return response;
      }
      return new RestResponse(status, response.headers(), counting(response.body(), out));
    }
  }

  /** The setting whose limit refused the request (413, 422, 429), or null when it was no such refusal. */
  private static String limit(int status, Throwable failure) {
    Throwable t = failure == null ? null : ExceptionMapper.unwrap(failure);
    if (t instanceof LimitExceeded e) {
      return e.limit();
    }
    return status == 413 || status == 429 ? KAFKA_LIMIT : null;
  }

  private static Body counting(Body body, Counter out) {
    if (body instanceof StreamingBody streaming) {
      return new StreamingBody() {
        @Override
        public void writeTo(OutputStream stream) throws IOException {
          streaming.writeTo(new CountingOutput(stream, out));
        }

        @Override
        public void dispatch(Runnable writer) {
          streaming.dispatch(writer);
        }
      };
    }
    return stream -> body.writeTo(new CountingOutput(stream, out));
  }

  private static final class CountingInput extends FilterInputStream {
    private final Counter counter;

    CountingInput(InputStream in, Counter counter) {
      super(in);
      this.counter = counter;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        counter.increment();
      }
      return b;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
      int n = super.read(buf, off, len);
      if (n > 0) {
        counter.increment(n);
      }
      return n;
    }
  }

  private static final class CountingOutput extends FilterOutputStream {
    private final Counter counter;

    CountingOutput(OutputStream out, Counter counter) {
      super(out);
      this.counter = counter;
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      counter.increment();
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len); // FilterOutputStream would write them one by one
      counter.increment(len);
    }
  }

  // ---- produce ----

  @Override
  public Callback produced(ProducerRecord<byte[], byte[]> record, Callback acknowledged) {
    if (closed) {
      return acknowledged;
    }
    long start = System.nanoTime();
    Tag[] topic = topic(record.topic());
    increment(counter(PRODUCE_RECORDS, "records", topic), 1);
    increment(counter(PRODUCE_BYTES, "bytes", topic), size(record.key()) + size(record.value()));
    return (metadata, failure) -> {
      try {
        if (failure == null) {
          record(timer(PRODUCE_ACK, topic), start);
        } else {
          Tag code = Tag.of("error_code", Integer.toString(ExceptionMapper.produceErrorCode(failure)));
          increment(counter(PRODUCE_ERRORS, "records", append(topic, code)), 1);
        }
      } finally {
        acknowledged.onCompletion(metadata, failure);
      }
    };
  }

  private static Tag[] append(Tag[] tags, Tag tag) {
    Tag[] all = java.util.Arrays.copyOf(tags, tags.length + 1);
    all[tags.length] = tag;
    return all;
  }

  private static long size(byte[] bytes) {
    return bytes == null ? 0 : bytes.length;
  }

  // ---- consumers ----

  @Override
  public <T extends Collection<?>> CompletionStage<T> read(CompletionStage<T> read) {
    if (closed) {
      return read;
    }
    long start = System.nanoTime();
    waitingReads.incrementAndGet();
    return read.whenComplete((records, failure) -> {
      waitingReads.decrementAndGet();
      String outcome = failure != null ? "error" : records.isEmpty() ? "empty" : "records";
      record(timer(CONSUMER_READS, Tag.of("outcome", outcome)), start);
    });
  }

  @Override
  public void consumerExpired() {
    increment(counter(CONSUMER_EXPIRED, "instances"), 1);
  }

  @Override
  public void consumerForward(String outcome) {
    increment(counter(CONSUMER_FORWARDS, "requests", Tag.of("outcome", outcome)), 1);
  }

  @Override
  public ConsumerMeter consumerInstance() {
    if (closed) {
      return ConsumerMeter.NONE;
    }
    return new Instance(); // tracked once it binds a client: an instance whose create failed leaves no trace
  }

  private final class Instance implements ConsumerMeter {
    private Binding client;
    private boolean done;

    @Override
    public synchronized void bind(Consumer<?, ?> consumer) {
      if (consumerClientMetrics && client == null && !done) {
        client = bindClient(view -> new KafkaClientMetrics(consumer, tags, view));
        if (client != null) {
          instances.add(this);
        }
      }
    }

    @Override
    public void returned(List<ConsumerRecord<byte[], byte[]>> records, long bytes) {
      if (!topicTags) {
        increment(counter(CONSUMER_RECORDS, "records"), records.size());
        increment(counter(CONSUMER_BYTES, "bytes"), bytes);
        return;
      }
      for (ConsumerRecord<byte[], byte[]> r : records) {
        Tag[] topic = topic(r.topic());
        increment(counter(CONSUMER_RECORDS, "records", topic), 1);
        increment(counter(CONSUMER_BYTES, "bytes", topic), size(r.key()) + size(r.value()));
      }
    }

    @Override
    public void rebalanced() {
      increment(counter(CONSUMER_REBALANCES, "rebalances"), 1);
    }

    @Override
    public synchronized void close() {
      done = true;
      instances.remove(this);
      if (client != null) {
        bindings.remove(client);
        closeQuietly(client);
        client = null;
      }
    }
  }

  private static void closeQuietly(Binding binding) {
    try {
      binding.close();
    } catch (RuntimeException e) {
      log.debug("Unbinding a Kafka client's metrics failed", e);
    }
  }

  /** Unbinds the Kafka clients' metrics and removes every meter registered here. */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    for (Instance instance : List.copyOf(instances)) {
      instance.close();
    }
    Binding binding;
    while ((binding = bindings.poll()) != null) {
      closeQuietly(binding);
    }
    meters.values().forEach(registry::remove);
    meters.clear();
    synchronized (this) {
      if (refresher != null) {
        refresher.shutdownNow();
      }
    }
  }

  /** Options; {@link #build} makes the metrics to hand to {@code KafkaRest.Builder.metrics}. */
  public static final class Builder {
    private final MeterRegistry registry;
    private Tags tags = Tags.empty();
    private boolean topicTags;
    private boolean histograms;
    private boolean clientMetrics = true;
    private boolean consumerClientMetrics = true;

    private Builder(MeterRegistry registry) {
      this.registry = java.util.Objects.requireNonNull(registry, "registry");
    }

    /** A tag on every meter, for example which proxy it is when two share a registry. */
    public Builder tag(String key, String value) {
      tags = tags.and(key, value);
      return this;
    }

    /**
     * A {@code topic} tag on the produce and consume meters. Off by default: every topic makes its own series,
     * which a proxy serving many topics cannot afford in most monitoring systems.
     */
    public Builder topicTags(boolean on) {
      this.topicTags = on;
      return this;
    }

    /** Percentile histograms on the timers (for Prometheus' histogram_quantile); off by default. */
    public Builder percentileHistograms(boolean on) {
      this.histograms = on;
      return this;
    }

    /** Micrometer's {@link KafkaClientMetrics} for the producer, the admin client and every consumer; on. */
    public Builder kafkaClientMetrics(boolean on) {
      this.clientMetrics = on;
      return this;
    }

    /**
     * The Kafka metrics of each consumer instance (about a hundred meters each, tagged with its client id); on.
     * Turn them off for a proxy with many instances, keeping the producer's and admin client's.
     */
    public Builder consumerClientMetrics(boolean on) {
      this.consumerClientMetrics = on;
      return this;
    }

    public MicrometerMetrics build() {
      return new MicrometerMetrics(this);
    }
  }
}
