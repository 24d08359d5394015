package dev.kafkarest.idempotency;

import dev.kafkarest.KafkaRestConfig;
import dev.kafkarest.error.Errors;
import dev.kafkarest.error.ExceptionMapper;
import dev.kafkarest.error.RestException;
import dev.kafkarest.http.RestRequest;
import dev.kafkarest.http.RestResponse;
import dev.kafkarest.kafka.KafkaClients;
import dev.kafkarest.kafka.RecordProducer;
import dev.kafkarest.kafka.TopicRecordLimits;
import dev.kafkarest.kafka.TransactionalProducerPool;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Produce requests with an {@code Idempotency-Key}. A request without one goes straight to the shared producer, as
 * before. A keyed request:
 * <ol>
 *   <li>is answered from this node's copy of the marker topic when its answer is already known here;</li>
 *   <li>otherwise writes a claim to the key's marker partition and waits (within
 *       {@code idempotency.request.timeout.ms}) until this node's reader has applied everything up to that claim.
 *       So a node that has not read the latest state yet never decides on stale state: it waits, and answers a
 *       retriable 503 if the reader does not get there in time;</li>
 *   <li>the log decides, the same on every node: a stored answer (replayed, or 422 for a different request),
 *       another live claim (409, or 422), or this claim wins;</li>
 *   <li>the winner runs the request in a Kafka transaction on a pooled producer, adds the answer marker to the same
 *       transaction and commits. Records and answer are committed together or not at all.</li>
 * </ol>
 * A claim older than the request bound whose owner never answered (a crashed node) is taken over: its producer is
 * fenced first (its open transaction aborted), then the key is checked again before anything is produced.
 * Everything on the Kafka side (topic, reader, producers) starts at the first keyed request.
 */
public final class KeyedRequests implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(KeyedRequests.class);
  /** How long a claim waits for the reader before it looks for a dead owner's transaction in the way. */
  private static final long UNBLOCK_AFTER_MS = 1000;
  /** batch.size of the transactional producers, at least. */
  private static final long TXN_BATCH_BYTES = 256 * 1024;

  /**
   * The produce work of one request, in two steps: {@code prepare} reads and checks the request before anything of
   * a keyed one reaches Kafka (so a bad body is answered without a claim, and a corrected retry with the same key is
   * not held up by it); the {@link Send} it gives runs inside the request's transaction.
   */
  public interface Action {
    CompletionStage<Send> prepare(RestRequest request) throws Exception;
  }

  /** A checked request's records, ready to go to the producer given. */
  public interface Send {
    CompletionStage<RestResponse> to(RecordProducer producer);
  }

  /**
   * What keyed produce runs on: the marker topic's reader, the transactional producers, and a producer of its own
   * for claims, checks and releases ({@code linger.ms=0}: a claim is on every keyed request's critical path, and
   * the shared producer's linger would add up to its length to each).
   */
  private record Started(MarkerTopic topic, TransactionalProducerPool pool, Producer<byte[], byte[]> markerProducer,
                         RecordProducer markers) {
    void close() {
      pool.close();
      markerProducer.close(java.time.Duration.ofSeconds(5));
      topic.close();
    }
  }

  private final IdempotencySettings settings;
  private final KafkaRestConfig config;
  private final KafkaClients clients;
  private final Admin admin;
  private final RecordProducer shared;
  private final TopicRecordLimits limits;
  private final Clock clock;
  private final ScheduledExecutorService scheduler;
  private final KeyStates states;
  private CompletableFuture<Started> started;
  private boolean closed;

  public KeyedRequests(KafkaRestConfig config, KafkaClients clients, Admin admin, RecordProducer shared,
                       TopicRecordLimits limits, Clock clock, ScheduledExecutorService scheduler) {
    this.settings = IdempotencySettings.of(config);
    this.config = config;
    this.clients = clients;
    this.admin = admin;
    this.shared = shared;
    this.limits = limits;
    this.clock = clock;
    this.scheduler = scheduler;
    this.states = new KeyStates(settings.retentionMs(), settings.requestTimeoutMs(), clock);
  }

  /** Runs {@code action} once per key: directly (shared producer) when the request has no key. */
  public CompletionStage<RestResponse> run(RestRequest req, Action action) throws Exception {
    IdempotencyKey key = IdempotencyKey.parse(req.headers().all(IdempotencyKey.HEADER));
    if (key == null) {
      return action.prepare(req).thenCompose(send -> send.to(shared));
    }
    byte[] body = req.body().readAllBytes(); // bounded by request.max.bytes: the fingerprint needs all of it
    long deadlineNanos = System.nanoTime() + settings.requestTimeoutMs() * 1_000_000; // checking counts, upload not
    RestRequest buffered = new RestRequest(req.method(), req.path(), req.query(), req.headers(),
        new ByteArrayInputStream(body), req.baseUri(), req.principal());
    String scopedKey = scope(req.principal(), key.value());
    byte[] fingerprint = fingerprint(req, body);
    Marker.Answer known = states.answer(scopedKey);
    if (known != null) {
      return CompletableFuture.completedFuture(replay(known, fingerprint));
    }
    return action.prepare(buffered).thenCompose(send -> start()
        .thenCompose(new Keyed(scopedKey, fingerprint, send, deadlineNanos)::run));
  }

  /** Whether the request carries an {@code Idempotency-Key} header (well-formed or not). */
  public static boolean hasKey(RestRequest req) {
    return !req.headers().all(IdempotencyKey.HEADER).isEmpty();
  }

  private synchronized CompletableFuture<Started> start() {
    if (closed) {
      return CompletableFuture.failedFuture(Errors.unavailable("The proxy is shutting down."));
    }
    if (started == null || started.isCompletedExceptionally()) {
      started = CompletableFuture.supplyAsync(this::open, runnable -> {
        Thread t = new Thread(runnable, "kafka-rest-idempotency-start");
        t.setDaemon(true);
        t.start();
      });
    }
    return started;
  }

  private Started open() {
    try {
      MarkerTopic topic = MarkerTopic.open(settings, admin, clients, config.consumerProperties(), states);
      Map<String, Object> props = config.producerProperties();
      props.put("enable.idempotence", "true");
      props.put("acks", "all");
      // Each producer carries one request's transaction at a time: no other request shares its batches, so a
      // linger would only delay the request's last batch (and its commit).
      props.put("linger.ms", "0");
      Map<String, Object> markerProps = new java.util.HashMap<>(props);
      markerProps.compute("client.id", (k, v) -> (v == null ? "kafka-rest" : v) + "-idempotency-markers");
      Producer<byte[], byte[]> markerProducer;
      try {
        markerProducer = clients.producer(markerProps);
      } catch (RuntimeException e) {
        topic.close();
        throw e;
      }
      props.put("transaction.timeout.ms", Long.toString(settings.transactionTimeoutMs()));
      // The sticky partitioner moves to another partition after batch.size bytes: a larger batch keeps a request's
      // records in one partition, so its transaction adds (and commits markers to) fewer partitions.
      props.put("batch.size", Long.toString(Math.max(TXN_BATCH_BYTES, configuredBatchBytes(props))));
      TransactionalProducerPool pool = new TransactionalProducerPool(clients, props,
          settings.transactionalIdPrefix(), settings.producers(), scheduler, limits);
      return new Started(topic, pool, markerProducer, new RecordProducer(markerProducer));
    } catch (Exception e) {
      throw new CompletionException(startFailure(ExceptionMapper.unwrap(e)));
    }
  }

  private static long configuredBatchBytes(Map<String, Object> props) {
    try {
      return Long.parseLong(String.valueOf(props.getOrDefault("batch.size", "0")).strip());
    } catch (NumberFormatException e) {
      return 0; // the producer itself reports a bad value
    }
  }

  private RestException startFailure(Throwable e) {
    if (e instanceof java.util.concurrent.ExecutionException && e.getCause() != null) {
      e = e.getCause();
    }
    if (e instanceof TopicAuthorizationException || e instanceof ClusterAuthorizationException) {
      return new RestException(Errors.FORBIDDEN, Errors.KAFKA_AUTHORIZATION, "Produce with an Idempotency-Key "
          + "needs the proxy's Kafka principal to be allowed DESCRIBE, READ and WRITE (and CREATE, unless the topic "
          + "is made beforehand) on the topic " + Errors.quote(settings.topic()) + ". Requests without a key are "
          + "not affected.", e);
    }
    log.warn("Keyed produce could not start (topic {})", settings.topic(), e);
    return new RestException(Errors.SERVICE_UNAVAILABLE, IdempotencyErrors.NOT_READY, "Produce with an "
        + "Idempotency-Key is not available now: the proxy could not read its topic " + Errors.quote(settings.topic())
        + ". Nothing was written; retry with the same key.", e);
  }

  private RestException transactionFailure(Throwable e) {
    if (e instanceof TransactionalIdAuthorizationException || e instanceof ClusterAuthorizationException) {
      return new RestException(Errors.FORBIDDEN, Errors.KAFKA_AUTHORIZATION, "Produce with an Idempotency-Key "
          + "needs the proxy's Kafka principal to be allowed WRITE and DESCRIBE on the TRANSACTIONAL_ID "
          + Errors.quote(settings.transactionalIdPrefix() + "-*") + " (and IDEMPOTENT_WRITE on the cluster on "
          + "brokers before 3.0). Nothing was written. Requests without a key are not affected.", e);
    }
    if (e instanceof RestException r) {
      return r;
    }
    if (e instanceof AuthorizationException) {
      return ExceptionMapper.toRestException(e);
    }
    Throwable cause = e.getCause() != null && e instanceof org.apache.kafka.common.KafkaException ? e.getCause() : e;
    RestException mapped = ExceptionMapper.toRestException(cause);
    if (mapped.status() >= 400 && mapped.status() < 500) {
      return new RestException(mapped.status(), mapped.errorCode(), mapped.getMessage()
          + " (nothing of this request was written)", e);
    }
    return IdempotencyErrors.notWritten(ExceptionMapper.safeKafkaMessage(cause));
  }

  static RestResponse replay(Marker.Answer answer, byte[] fingerprint) {
    if (!Arrays.equals(answer.fingerprint(), fingerprint)) {
      throw IdempotencyErrors.keyReused();
    }
    try {
      return answer.answer().toResponse(true);
    } catch (IllegalStateException e) {
      throw IdempotencyErrors.answerUnreadable(e); // never as if unanswered: that would write the records again
    }
  }

  /** One keyed request, from claim to answer. */
  private final class Keyed {
    private final String scopedKey;
    private final byte[] fingerprint;
    private final Send send;
    private final long deadlineNanos;
    private final String claimId = UUID.randomUUID().toString();
    private Started started;
    private TransactionalProducerPool.Lease lease;
    private volatile CompletableFuture<Void> aborting;

    Keyed(String scopedKey, byte[] fingerprint, Send send, long deadlineNanos) {
      this.scopedKey = scopedKey;
      this.fingerprint = fingerprint;
      this.send = send;
      this.deadlineNanos = deadlineNanos;
    }

    CompletableFuture<RestResponse> run(Started s) {
      this.started = s;
      // The pool bounds the wait itself (a lease given after our own timer fired would be lost).
      return s.pool().lease(remainingMs())
          .exceptionallyCompose(e -> CompletableFuture.failedFuture(
              IdempotencyErrors.notReady("every transactional producer was busy")))
          .thenCompose(l -> {
            lease = l;
            return sync(new Marker.Claim(claimId, fingerprint, l.transactionalId(), clock.millis()));
          })
          .thenCompose(this::decide)
          .whenComplete((r, e) -> {
            if (lease != null) {
              if (aborting == null) {
                lease.release();
              } else {
                aborting.whenComplete((v, x) -> lease.release());
              }
            }
          });
    }

    /** Writes {@code marker} (outside any transaction) and waits until the reader has applied it. */
    private CompletableFuture<Outcome> sync(Marker marker) {
      CompletableFuture<Outcome> outcome = states.await(claimId);
      started.markers().send(record(marker)).whenComplete((m, e) -> {
        if (e != null) {
          outcome.completeExceptionally(e);
        }
      });
      unblockWhileWaiting(outcome);
      Throwable readerFailure = started.topic().failure();
      return within(outcome, () -> IdempotencyErrors.notReady(readerFailure == null
          ? "the marker topic was not read up to this request in time"
          : "the marker topic cannot be read: " + ExceptionMapper.safeKafkaMessage(readerFailure)))
          .exceptionallyCompose(e -> {
            outcome.cancel(false); // no longer awaited: drop it from the pending claims
            release();
            Throwable t = ExceptionMapper.unwrap(e);
            return CompletableFuture.failedFuture(t instanceof RestException ? t
                : IdempotencyErrors.notReady(ExceptionMapper.safeKafkaMessage(t)));
          });
    }

    /**
     * A node that died inside its transaction leaves it open, and read_committed readers of that marker partition
     * stop at its first record until the broker aborts it ({@code idempotency.transaction.timeout.ms}). While this
     * request waits, fence the producers of this partition's stale claims (their owners are past the request
     * bound), which aborts such a transaction at once.
     */
    private void unblockWhileWaiting(CompletableFuture<Outcome> outcome) {
      MarkerTopic topic = started.topic();
      int partition = topic.partition(scopedKey);
      java.util.Set<String> fenced = ConcurrentHashMap.newKeySet();
      ScheduledFuture<?> ticks = scheduler.scheduleWithFixedDelay(() -> {
        for (String txnId : states.staleHolders(k -> topic.partition(k) == partition)) {
          if (fenced.add(txnId)) {
            started.pool().fence(txnId, null).whenComplete((v, e) -> {
              if (e != null) {
                log.debug("Fencing the stale producer {} failed", txnId, e);
              }
            });
          }
        }
      }, UNBLOCK_AFTER_MS, UNBLOCK_AFTER_MS, TimeUnit.MILLISECONDS);
      outcome.whenComplete((o, e) -> ticks.cancel(false));
    }

    private CompletableFuture<RestResponse> decide(Outcome outcome) {
      switch (outcome.kind()) {
        case ANSWERED:
          return CompletableFuture.completedFuture(replay(outcome.answer(), fingerprint));
        case BUSY:
          throw outcome.fingerprint() == null || Arrays.equals(outcome.fingerprint(), fingerprint)
              ? IdempotencyErrors.inFlight() : IdempotencyErrors.keyReused();
        default:
          if (outcome.takeOver() != null) {
            // The key's last claim is stale: its owner may still hold an open transaction. Fence it, then look again
            // (it may have committed just before), and only then produce.
            return within(started.pool().fence(outcome.takeOver(), lease),
                () -> IdempotencyErrors.notReady("the previous owner of this key could not be fenced in time"))
                .exceptionallyCompose(e -> {
                  release();
                  return CompletableFuture.failedFuture(e);
                })
                .thenCompose(v -> sync(new Marker.Check(claimId, clock.millis())))
                .thenCompose(checked -> {
                  if (checked.kind() == Outcome.Kind.ANSWERED) {
                    release();
                  }
                  return checked.kind() == Outcome.Kind.WON && checked.takeOver() == null
                      ? produce() : decide(checked);
                });
          }
          return produce();
      }
    }

    private CompletableFuture<RestResponse> produce() {
      // begin may have to make the producer again (initTransactions), which waits for a coordinator that is moving
      return within(lease.begin(), () -> IdempotencyErrors.notWritten("the transaction could not be begun in time"))
          .thenCompose(v -> within(send.to(lease.records()).toCompletableFuture(),
              () -> IdempotencyErrors.notWritten("the records were not acknowledged in time")))
          .thenCompose(response -> {
            Exception failed = lease.sendFailure();
            if (failed != null) {
              return CompletableFuture.failedFuture(failed); // known not committed: aborted below
            }
            byte[] body = bodyOf(response);
            StoredAnswer stored = StoredAnswer.of(response.status(), response.contentType(), body);
            Marker.Answer answer = new Marker.Answer(claimId, fingerprint, clock.millis(), stored);
            return lease.commit(record(answer))
                .exceptionallyCompose(e -> CompletableFuture.failedFuture(
                    ExceptionMapper.unwrap(e) instanceof TransactionalProducerPool.NotCommitted notCommitted
                        ? answerRefused(notCommitted.getCause()) : new CommitOutcomeUnknown(e)))
                .thenApply(v -> {
                  states.answered(scopedKey, answer);
                  return stored.toResponse(body, false);
                });
          })
          .exceptionallyCompose(e -> {
            // Answer now: the abort can wait for the broker (up to max.block.ms) past the request's bound. The
            // producer stays leased, and the claim held, until the abort is done.
            aborting = lease.abort().whenComplete((v, ignored) -> release());
            Throwable cause = ExceptionMapper.unwrap(e);
            return CompletableFuture.failedFuture(cause instanceof CommitOutcomeUnknown unknown
                ? IdempotencyErrors.outcomeUnknown(ExceptionMapper.safeKafkaMessage(unknown.getCause()))
                : transactionFailure(cause));
          });
    }

    /** Gives the claim up, from the timer thread: this may run in a producer callback, where a send must not wait. */
    private void release() {
      try {
        scheduler.execute(() -> started.markers().send(record(new Marker.Release(claimId))).whenComplete((m, e) -> {
          if (e != null) {
            log.debug("Releasing an idempotency claim failed; it expires after the request bound", e);
          }
        }));
      } catch (java.util.concurrent.RejectedExecutionException e) {
        log.debug("The proxy is closing: the claim expires after the request bound", e);
      }
    }

    private ProducerRecord<byte[], byte[]> record(Marker marker) {
      MarkerTopic topic = started.topic();
      return new ProducerRecord<>(topic.topic(), topic.partition(scopedKey), null,
          Marker.recordKey(scopedKey, marker), Marker.encode(marker));
    }

    private long remainingMs() {
      return Math.max(1, (deadlineNanos - System.nanoTime()) / 1_000_000);
    }

    private <T> CompletableFuture<T> within(CompletableFuture<T> stage, Supplier<RestException> onTimeout) {
      CompletableFuture<T> bounded = new CompletableFuture<>();
      ScheduledFuture<?> timer = scheduler.schedule(() -> bounded.completeExceptionally(onTimeout.get()),
          remainingMs(), TimeUnit.MILLISECONDS);
      stage.whenComplete((v, e) -> {
        timer.cancel(false);
        if (e != null) {
          bounded.completeExceptionally(e);
        } else {
          bounded.complete(v);
        }
      });
      return bounded;
    }
  }

  private static byte[] bodyOf(RestResponse response) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    try {
      response.body().writeTo(body);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return body.toByteArray();
  }

  /** The answer could not be added to the transaction, which therefore was not committed. */
  private static Throwable answerRefused(Throwable cause) {
    if (cause instanceof org.apache.kafka.common.errors.RecordTooLargeException) {
      return new RestException(Errors.PAYLOAD_TOO_LARGE, Errors.PAYLOAD_TOO_LARGE, "The answer to this request is "
          + "too large to be stored with its Idempotency-Key (" + ExceptionMapper.safeKafkaMessage(cause) + "); "
          + "nothing was written. Send fewer records per keyed request.", cause);
    }
    return IdempotencyErrors.notWritten(ExceptionMapper.safeKafkaMessage(cause));
  }

  /** The key as stored: a hash of the caller's principal and the key, so callers never share a key. */
  static String scope(String principal, String key) {
    return HexFormat.of().formatHex(sha256((principal == null ? "-" : "p:" + principal) + "\u0000" + key,
        new byte[0]));
  }

  /** What makes two requests "the same": method, path, content type and body. */
  static byte[] fingerprint(RestRequest req, byte[] body) {
    String head = req.method() + "\u0000" + req.path() + "\u0000" + req.header("Content-Type").orElse("").strip()
        + "\u0000";
    return sha256(head, body);
  }

  private static byte[] sha256(String head, byte[] body) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(head.getBytes(StandardCharsets.UTF_8));
      digest.update(body);
      return digest.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    CompletableFuture<Started> s;
    synchronized (this) {
      closed = true;
      s = started;
    }
    if (s != null && s.isDone() && !s.isCompletedExceptionally()) {
      s.join().close();
    } else if (s != null) {
      s.thenAccept(Started::close);
    }
  }

  /** A failed or timed-out commit: the broker may have committed the transaction all the same. */
  private static final class CommitOutcomeUnknown extends RuntimeException {
    CommitOutcomeUnknown(Throwable cause) {
      super(ExceptionMapper.unwrap(cause));
    }
  }
}
