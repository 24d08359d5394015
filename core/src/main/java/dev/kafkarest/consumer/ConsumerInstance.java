package dev.kafkarest.consumer;

import dev.kafkarest.error.Errors;
import dev.kafkarest.error.ExceptionMapper;
import dev.kafkarest.error.RestException;
import dev.kafkarest.format.RecordFormat;
import dev.kafkarest.metrics.ConsumerMeter;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.SerializationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One v2 consumer instance: a {@code KafkaConsumer} plus the records fetched but not yet returned. Every call
 * runs on the instance's {@link SerialExecutor}, so the consumer is used by one thread at a time, and a waiting
 * read holds no thread: it polls with a zero timeout and reschedules itself on the timer (only while records
 * flow does a poll on a pool thread wait, for {@link #FETCH_WAIT} at most). The Kafka consumer is only ever
 * used on pool threads; a caller's thread at most takes records that are already buffered.
 *
 * <p>Offsets: Kafka's own auto-commit is off, because it would commit records we fetched but never returned.
 * The instance tracks what it has returned and commits that: on request, and, when the client asked for
 * {@code auto.commit.enable}, at most every {@code auto.commit.interval.ms} during reads and at close. A durable
 * instance ({@link #commitAfterEachAnswer()}) instead sends an asynchronous commit right after every answer that
 * carries records, so that the next node starts after it, without a round trip on the answer's path.
 */
public final class ConsumerInstance {
  private static final Logger log = LoggerFactory.getLogger(ConsumerInstance.class);
  /** A read answers at the latest this long after its wait, even if the instance is stuck in another call. */
  static final long READ_MARGIN_MS = 200;
  /** Longest wait of a non-read call (commit, seek, subscribe, ...), queueing included. */
  static final long OPERATION_DEADLINE_MS = 30_000;
  /** One step drains what the consumer has fetched for at most this long, then hands its pool thread back. */
  private static final long STEP_BUDGET_NANOS = 10_000_000;
  /** The first re-poll of a waiting read comes this soon; each next one twice as late, up to the backoff. */
  private static final long FIRST_RETRY_MS = 1;
  /**
   * poll(0) only moves what the socket already holds, so a fetch answer, or the chain of short requests after an
   * assignment change or a seek (coordinator, committed offsets, list offsets), advances only as often as the
   * consumer is polled. While it is busy like that, waiting reads and the prefetch re-poll every
   * {@link #FIRST_RETRY_MS} instead of backing off: for {@link #SET_UP_WINDOW_NANOS} after a move, and for
   * {@link #FLOWING_WINDOW_NANOS} after records last came. Measured on the benchmark: first records after about
   * 50 ms instead of 350-500 ms.
   */
  private static final long SET_UP_WINDOW_NANOS = 1_000_000_000L;
  private static final long FLOWING_WINDOW_NANOS = 100_000_000L;
  /**
   * While records flow and none is buffered, a poll waits up to this long for the fetch in flight, so that the
   * consumer reads its answer off the socket as it arrives (as a native consumer's blocking poll does) instead of
   * in 1 ms slices. It holds a pool thread that long at most, and only for an instance whose records flow.
   * Measured on the benchmark: one instance from about 140k to 180k records/s.
   */
  private static final Duration FETCH_WAIT = Duration.ofMillis(5);
  /**
   * A durable instance sends its next auto-commit when the previous one is acknowledged, or this long after it
   * was sent. One commit per answer (reads can come every 30 us) kept the instance's executor busy when the next
   * read arrived, so that it could not be answered on the caller's thread: +0.05 ms p50 on the benchmark.
   */
  private static final long COMMIT_IN_FLIGHT_NANOS = 5_000_000;
  /** Longest commit of a copy that another node took over (see {@link #abandon}). */
  private static final Duration HANDOVER_COMMIT = Duration.ofSeconds(1);
  /**
   * Longest a seek, assignments or commit call of an instance taken over with a subscription waits for the group
   * to give its new consumer the partitions (see {@link #joining}); well within {@link #OPERATION_DEADLINE_MS}.
   */
  static final long JOIN_WAIT_MS = 10_000;
  /** While it waits, the consumer is polled (paused) this often, so that the join goes on. */
  private static final long JOIN_POLL_MS = 2;
  /** The prefetch gives up after this many polls in a row that bring nothing. */
  private static final int PREFETCH_POLLS = 20;

  private final ConsumerInstanceId id;
  private final String owner;
  private final ConsumerSettings settings;
  private final RecordFormat format;
  private final Supplier<Consumer<byte[], byte[]>> consumerFactory;
  /**
   * Created at the first call that needs it (on the executor): an instance nobody uses costs a few KiB, not ~90.
   * Volatile for close(), which runs on the caller's thread when the pool is already shut down.
   */
  private volatile Consumer<byte[], byte[]> consumer;
  private final SerialExecutor executor;
  private final ScheduledExecutorService timer;
  private final java.time.Clock clock;
  private final long backoffMs;
  private final long autoCommitIntervalMs;
  private final long bufferLimitBytes;
  private final ConsumerMeter meter;
  private final ArrayDeque<ConsumerRecord<byte[], byte[]>> buffer = new ArrayDeque<>();
  private final Map<TopicPartition, OffsetAndMetadata> returned = new HashMap<>();
  private final AtomicInteger activeCalls = new AtomicInteger();
  private final ConsumerRebalanceListener rebalanceListener = new Rebalance();
  private long bufferedBytes;
  private volatile boolean subscribed;
  private volatile long lastPollNanos = System.nanoTime();
  private long lastAutoCommitNanos = System.nanoTime();
  /** Whether records were returned since the last commit that is known to have succeeded. */
  private boolean uncommitted;
  /** Answers that returned records, so that a commit's confirmation can tell whether newer ones came since. */
  private long answersReturned;
  /** {@link #answersReturned} when the last async auto-commit was sent; -1 after it failed, so it is sent again. */
  private long answersCommitSent;
  /** Durable instances: auto-commit after every answer, not every auto.commit.interval.ms. */
  private volatile boolean commitEveryAnswer;
  /** Async auto-commits sent and not yet acknowledged; a durable instance keeps at most one in flight for long. */
  private int commitsInFlight;
  private boolean commitLaterScheduled;
  private boolean prefetching;
  private long setUpUntilNanos = System.nanoTime();
  private long lastRecordsNanos = System.nanoTime() - FLOWING_WINDOW_NANOS;
  private long lastAnswerBytes;
  private volatile long lastUsedMillis;
  private volatile boolean closed;
  /** What the instance reads from, as the client last set it; a durable instance stores it. */
  private volatile Subscription subscription = Subscription.NONE;
  /** Set by the registry of a durable instance: runs on the executor after each subscription change. */
  private volatile Runnable onSubscriptionChange = () -> {};
  /** A subscription to apply when the consumer is created: the instance was taken over from another node. */
  private Subscription restore;
  /**
   * The consumer was built here for an instance taken over with a subscription, and the group has not yet given it
   * its partitions (its first poll does). For the client the instance was reading, so a seek, an assignments call
   * or a commit of given offsets waits for that first (at most {@link #JOIN_WAIT_MS}) instead of answering 409,
   * nothing or 500 (Kafka commits given offsets only for a member of the group). An instance the client subscribes
   * on this node never waits: a seek before its first read answers 409, as Confluent's does.
   * Executor only.
   */
  private boolean joining;
  /** Another node took the instance over (Kafka fenced this copy's consumer, or the state topic says so). */
  private volatile boolean lost;

  ConsumerInstance(ConsumerInstanceId id, String owner, ConsumerSettings settings, RecordFormat format,
                   Supplier<Consumer<byte[], byte[]>> consumerFactory, Executor pool, ScheduledExecutorService timer,
                   java.time.Clock clock, long backoffMs, long autoCommitIntervalMs, long bufferLimitBytes) {
    this(id, owner, settings, format, consumerFactory, pool, timer, clock, backoffMs, autoCommitIntervalMs,
        bufferLimitBytes, ConsumerMeter.NONE);
  }

  ConsumerInstance(ConsumerInstanceId id, String owner, ConsumerSettings settings, RecordFormat format,
                   Supplier<Consumer<byte[], byte[]>> consumerFactory, Executor pool, ScheduledExecutorService timer,
                   java.time.Clock clock, long backoffMs, long autoCommitIntervalMs, long bufferLimitBytes,
                   ConsumerMeter meter) {
    this.meter = meter;
    this.id = id;
    this.owner = owner;
    this.settings = settings;
    this.format = format;
    this.consumerFactory = consumerFactory;
    this.executor = new SerialExecutor(pool);
    this.timer = timer;
    this.clock = clock;
    this.backoffMs = backoffMs;
    this.autoCommitIntervalMs = autoCommitIntervalMs;
    this.bufferLimitBytes = bufferLimitBytes;
    this.lastUsedMillis = clock.millis();
  }

  public ConsumerInstanceId id() {
    return id;
  }

  /** The principal that created the instance, or null when it was created anonymously. */
  public String owner() {
    return owner;
  }

  public ConsumerSettings settings() {
    return settings;
  }

  long lastUsedMillis() {
    return lastUsedMillis;
  }

  boolean busy() {
    return activeCalls.get() > 0;
  }

  void touch() {
    lastUsedMillis = clock.millis();
  }

  /** What the instance reads from: topics, a pattern, a manual assignment or nothing. */
  public Subscription subscriptionState() {
    return subscription;
  }

  void onSubscriptionChange(Runnable hook) {
    this.onSubscriptionChange = hook;
  }

  /** Before the first call: the consumer, when created, reads from this (an instance taken over from a node). */
  void restoreOnFirstUse(Subscription stored) {
    this.subscription = stored;
    this.restore = stored;
  }

  boolean lost() {
    return lost;
  }

  /**
   * Before the first call, for a durable instance: with auto-commit, the positions of every answer that carries
   * records are committed asynchronously right after the answer is handed over (while a commit is unacknowledged,
   * with the next one, at the latest {@link #COMMIT_IN_FLIGHT_NANOS} later; after a failure, at the next answer or
   * poll), so that a move or a crash repeats at most what was returned after the last commit that landed:
   * normally nothing, or the last answer.
   */
  void commitAfterEachAnswer() {
    this.commitEveryAnswer = true;
  }

  private void subscriptionChanged(Subscription now) {
    subscription = now;
    onSubscriptionChange.run();
  }

  // ---- subscription, assignment, positions, offsets: each one call on the consumer ----

  public CompletionStage<Void> subscribe(Collection<String> topics) {
    return run(c -> {
      joining = false;
      c.subscribe(topics, rebalanceListener);
      rewindBuffered(c);
      subscribed = !topics.isEmpty();
      subscriptionChanged(Subscription.topics(topics));
      return null;
    });
  }

  public CompletionStage<Void> subscribe(Pattern pattern) {
    return run(c -> {
      joining = false;
      c.subscribe(pattern, rebalanceListener);
      rewindBuffered(c);
      subscribed = true;
      subscriptionChanged(Subscription.pattern(pattern.pattern()));
      return null;
    });
  }

  public CompletionStage<Void> unsubscribe() {
    return run(c -> {
      joining = false;
      commitIfAutoCommit(c, null);
      dropBuffered(null);
      returned.clear();
      c.unsubscribe();
      subscribed = false;
      subscriptionChanged(Subscription.NONE);
      return null;
    });
  }

  public CompletionStage<Set<String>> subscription() {
    return run(c -> Set.copyOf(c.subscription()));
  }

  public CompletionStage<Void> assign(Collection<TopicPartition> partitions) {
    return run(c -> {
      joining = false;
      c.assign(partitions);
      rewindBuffered(c);
      returned.keySet().retainAll(partitions);
      subscriptionChanged(Subscription.partitions(partitions));
      return null;
    });
  }

  public CompletionStage<Set<TopicPartition>> assignment() {
    return runJoined(c -> Set.copyOf(c.assignment()));
  }

  public CompletionStage<Void> seek(Map<TopicPartition, OffsetAndMetadata> offsets) {
    return runJoined(c -> {
      requireAssigned(c, offsets.keySet());
      offsets.forEach(c::seek);
      moved(offsets.keySet());
      return null;
    });
  }

  public CompletionStage<Void> seekToTimestamps(Map<TopicPartition, Long> timestamps) {
    return runJoined(c -> {
      requireAssigned(c, timestamps.keySet());
      var found = c.offsetsForTimes(timestamps);
      found.forEach((tp, offset) -> {
        if (offset != null) {
          c.seek(tp, offset.offset());
        } else {
          c.seekToEnd(List.of(tp)); // no record at or after that time: continue from the end
          c.position(tp);
        }
      });
      moved(timestamps.keySet());
      return null;
    });
  }

  public CompletionStage<Void> seekToBeginning(Collection<TopicPartition> partitions) {
    return runJoined(c -> {
      requireAssigned(c, partitions);
      c.seekToBeginning(partitions);
      moved(partitions);
      return null;
    });
  }

  public CompletionStage<Void> seekToEnd(Collection<TopicPartition> partitions) {
    return runJoined(c -> {
      requireAssigned(c, partitions);
      c.seekToEnd(partitions);
      // Kafka resolves "end" lazily, at the next poll; resolve it now so records produced after this call are read.
      partitions.forEach(c::position);
      moved(partitions);
      return null;
    });
  }

  /** Commits the given offsets, or, with null, everything this instance has returned so far. */
  public CompletionStage<Void> commit(Map<TopicPartition, OffsetAndMetadata> offsets) {
    // Given offsets go with the group's generation: a consumer that has not joined yet cannot commit them.
    return run(c -> {
      if (offsets == null) {
        commitReturned(c, null);
      } else if (!offsets.isEmpty()) {
        c.commitSync(offsets);
        // The client said where these partitions stand; auto-commit must not write an older position over it.
        returned.keySet().removeAll(offsets.keySet());
      }
      return null;
    }, offsets != null && !offsets.isEmpty());
  }

  public CompletionStage<Map<TopicPartition, OffsetAndMetadata>> committed(Set<TopicPartition> partitions) {
    return run(c -> {
      Map<TopicPartition, OffsetAndMetadata> found = new HashMap<>();
      c.committed(partitions).forEach((tp, offset) -> {
        if (offset != null) {
          found.put(tp, offset);
        }
      });
      return found;
    });
  }

  // ---- records ----

  /**
   * Returns records within {@code limits}: as soon as some are there (or {@code minBytes} of them), at the
   * latest when the wait is over, and in any case within the wait plus {@link #READ_MARGIN_MS}. Records that do
   * not fit stay buffered for the next read, so none is skipped and none is returned twice.
   */
  public CompletionStage<List<ConsumedRecord>> read(ReadLimits limits) {
    CompletableFuture<List<ConsumedRecord>> result = new CompletableFuture<>();
    ReadOperation op = new ReadOperation(limits, result, System.nanoTime() + limits.timeoutMs() * 1_000_000);
    begin();
    CompletionStage<List<ConsumedRecord>> answer = result.whenComplete((r, e) -> end());
    var deadline = timer.schedule(() -> result.complete(List.of()), limits.timeoutMs() + READ_MARGIN_MS,
        TimeUnit.MILLISECONDS);
    result.whenComplete((r, e) -> deadline.cancel(false)); // else the timer would hold the records until it fires
    // When the instance is idle and enough records are already buffered (the prefetch took them), the answer is
    // made on the caller's thread with no hand-off; anything that needs the Kafka consumer goes to the pool.
    if (!executor.tryRunInline(() -> answerFromBuffer(op))) {
      submitStep(op);
    }
    return answer;
  }

  private static final class ReadOperation {
    final ReadLimits limits;
    final CompletableFuture<List<ConsumedRecord>> result;
    final long deadline;
    long retryMs = FIRST_RETRY_MS;

    ReadOperation(ReadLimits limits, CompletableFuture<List<ConsumedRecord>> result, long deadline) {
      this.limits = limits;
      this.result = result;
      this.deadline = deadline;
    }
  }

  private void submitStep(ReadOperation op) {
    try {
      executor.execute(() -> step(op));
    } catch (RuntimeException e) {
      op.result.completeExceptionally(Errors.unavailable("The proxy is shutting down."));
    }
  }

  /**
   * The first attempt, on the caller's (container) thread: answers from the buffer alone. It never touches the
   * Kafka consumer, whose poll can block (a rebalance commits in it, and building the consumer resolves names), nor
   * decodes with a format that may wait for the Schema Registry, so a container thread is never held by I/O.
   * Measured on the benchmark, it also answers 0.1-0.8 ms sooner than a poll(0) here did, which in the steady
   * state brought nothing the prefetch had not already taken.
   */
  private void answerFromBuffer(ReadOperation op) {
    if (!closed && !op.result.isDone() && enoughBuffered(op.limits) && !format.decodeMayWait()) {
      try {
        finish(op);
      } catch (RuntimeException e) {
        op.result.completeExceptionally(translate(e));
      }
    } else {
      submitStep(op);
    }
  }

  /** One attempt to answer a read, on a pool thread: takes what the consumer has fetched, then answers or waits. */
  private void step(ReadOperation op) {
    if (op.result.isDone()) {
      return;
    }
    if (closed) {
      op.result.completeExceptionally(gone());
      return;
    }
    try {
      ReadLimits limits = op.limits;
      autoCommitIfDue();
      // Also when enough is buffered: whatever has arrived since goes into the same answer.
      drain(Math.min(limits.maxBytes(), bufferLimitBytes));
      long remainingMs = (op.deadline - System.nanoTime()) / 1_000_000;
      if (enoughBuffered(limits) || remainingMs <= 0) {
        finish(op);
      } else {
        // Re-poll soon while the consumer is busy, else back off exponentially to consumer.iterator.backoff.ms so
        // that idle long polls cost little.
        long delay = Math.min(Math.min(op.retryMs, backoffMs), remainingMs);
        op.retryMs = pollSoon() ? FIRST_RETRY_MS : Math.min(op.retryMs * 2, Math.max(backoffMs, FIRST_RETRY_MS));
        timer.schedule(() -> submitStep(op), Math.max(delay, 1), TimeUnit.MILLISECONDS);
      }
    } catch (RuntimeException e) {
      op.result.completeExceptionally(translate(e));
    }
  }

  /**
   * Moves everything the consumer has already fetched into the buffer, up to {@code limit} bytes, so one answer
   * carries as many records as max_bytes allows. Polls do not wait for the network, except the first one when
   * records flow and none is buffered ({@link #FETCH_WAIT}). Pool threads only. The time budget keeps one busy
   * instance from holding a pool thread. Returns whether any record came.
   */
  private boolean drain(long limit) {
    boolean any = false;
    long stepEnd = System.nanoTime() + STEP_BUDGET_NANOS;
    boolean wait = buffer.isEmpty() && flowing();
    while (bufferedBytes < limit) {
      ConsumerRecords<byte[], byte[]> records = consumer().poll(wait ? FETCH_WAIT : Duration.ZERO);
      wait = false;
      lastPollNanos = System.nanoTime();
      if (records.isEmpty()) {
        break;
      }
      any = true;
      lastRecordsNanos = lastPollNanos;
      for (ConsumerRecord<byte[], byte[]> r : records) {
        buffer.add(r);
        bufferedBytes += size(r);
      }
      if (System.nanoTime() - stepEnd > 0) {
        break;
      }
    }
    if (commitEveryAnswer) {
      autoCommitQuietly(); // the poll may have acknowledged the commit in flight: send the answers given since
    }
    return any;
  }

  private boolean flowing() {
    return System.nanoTime() - lastRecordsNanos < FLOWING_WINDOW_NANOS;
  }

  /** Whether the consumer is working through fetches or a set-up, so that polling again soon pays off. */
  private boolean pollSoon() {
    return flowing() || System.nanoTime() - setUpUntilNanos < 0;
  }

  /**
   * After an answer, keeps the fetch pipeline going while the answer is written and the client asks again: the
   * consumer sent its next fetch on the last poll, and poll(0) must be called again and again to take the answer
   * off the socket. Polls 1 ms apart until the buffer holds as much as the last answer took (so the next read is
   * answered at once), until {@link #PREFETCH_POLLS} polls in a row bring nothing, or until a read takes over.
   * Buffered records wait as records that did not fit max_bytes do; a seek or rebalance drops them.
   */
  private void prefetch(int emptyPolls, boolean continued) {
    if (closed || bufferedBytes >= lastAnswerBytes || continued && activeCalls.get() > 0) {
      prefetching = false;
      return;
    }
    try {
      int empty = drain(bufferLimitBytes) ? 0 : emptyPolls + 1;
      if (empty >= PREFETCH_POLLS || bufferedBytes >= lastAnswerBytes) {
        prefetching = false;
        return;
      }
      timer.schedule(() -> {
        try {
          executor.execute(() -> prefetch(empty, true));
        } catch (RuntimeException e) {
          prefetching = false; // shutting down
        }
      }, 1, TimeUnit.MILLISECONDS);
    } catch (RuntimeException e) {
      prefetching = false; // the next read reports whatever is wrong
    }
  }

  /** Starts the prefetch, after a due auto-commit when {@code commitFirst}; false if no prefetch was started. */
  private boolean startPrefetch(boolean commitFirst) {
    if (!prefetching && bufferedBytes < lastAnswerBytes && !closed) {
      prefetching = true;
      try {
        executor.execute(() -> {
          if (commitFirst) {
            autoCommitQuietly();
          }
          prefetch(0, false);
        });
        return true;
      } catch (RuntimeException e) {
        prefetching = false; // shutting down
      }
    }
    return false;
  }

  private boolean enoughBuffered(ReadLimits limits) {
    if (buffer.isEmpty()) {
      return false;
    }
    return limits.minBytes() <= 0 || bufferedBytes >= limits.minBytes() || bufferedBytes >= limits.maxBytes();
  }

  /** Moves records that fit into the answer; on any failure they go back to the buffer, in order. */
  private void finish(ReadOperation op) {
    List<ConsumerRecord<byte[], byte[]>> taken = new ArrayList<>();
    long bytes = 0;
    while (!buffer.isEmpty()) {
      long next = size(buffer.peekFirst());
      if (!taken.isEmpty() && bytes + next > op.limits.maxBytes()) {
        break; // the first record always goes, or an oversized one would block the instance for good
      }
      ConsumerRecord<byte[], byte[]> r = buffer.pollFirst();
      bufferedBytes -= next;
      bytes += next;
      taken.add(r);
    }
    List<ConsumedRecord> decoded = new ArrayList<>(taken.size());
    for (ConsumerRecord<byte[], byte[]> r : taken) {
      try {
        decoded.add(decode(r));
      } catch (RuntimeException | StackOverflowError e) { // the latter: data nested too deeply to decode
        // Records before the undecodable one go out; it stays first in line, so the next read reports it.
        putBack(taken.subList(decoded.size(), taken.size()));
        taken = taken.subList(0, decoded.size());
        if (decoded.isEmpty()) {
          op.result.completeExceptionally(e instanceof RuntimeException re ? translate(re)
              : translate(new SerializationException("The record is nested too deeply to decode.", e)));
          return;
        }
        break;
      }
    }
    if (op.result.complete(decoded)) {
      lastAnswerBytes = bytes;
      meter.returned(taken, bytes);
      // A partition's records come in offset order, in runs: the last of each run is what it has returned so far.
      for (int i = 0; i < taken.size(); i++) {
        ConsumerRecord<byte[], byte[]> r = taken.get(i);
        ConsumerRecord<byte[], byte[]> next = i + 1 < taken.size() ? taken.get(i + 1) : null;
        if (next == null || next.partition() != r.partition() || !next.topic().equals(r.topic())) {
          returned.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
        }
      }
      uncommitted |= !taken.isEmpty();
      if (!taken.isEmpty()) {
        answersReturned++;
        // After the answer, on the pool (also when it was made on the caller's thread, which must not call Kafka):
        // the commit if one is due, then the prefetch, in one task so that the next read waits for neither.
        boolean commit = autoCommitDue();
        if (!startPrefetch(commit) && commit) {
          commitOnPool();
        }
        if (!commit && commitEveryAnswer && autoCommit()) {
          commitLater(); // a commit is in flight: this answer goes with the next one
        }
      }
    } else {
      putBack(taken);
    }
  }

  private ConsumedRecord decode(ConsumerRecord<byte[], byte[]> r) {
    return new ConsumedRecord(r.topic(),
        r.key() == null ? null : format.decode(r.topic(), true, r.key()),
        r.value() == null ? null : format.decode(r.topic(), false, r.value()),
        r.partition(), r.offset(), r.timestamp(), r.timestampType().name(), r.headers());
  }

  private void putBack(List<ConsumerRecord<byte[], byte[]>> taken) {
    for (int i = taken.size() - 1; i >= 0; i--) {
      buffer.addFirst(taken.get(i));
      bufferedBytes += size(taken.get(i));
    }
  }

  private static long size(ConsumerRecord<byte[], byte[]> r) {
    return (r.key() == null ? 0 : r.key().length) + (r.value() == null ? 0 : r.value().length);
  }

  /** After a seek: buffered records of these partitions are stale, and what was returned from them is moot. */
  private void moved(Collection<TopicPartition> partitions) {
    dropBuffered(partitions);
    returned.keySet().removeAll(partitions);
    setUpUntilNanos = System.nanoTime() + SET_UP_WINDOW_NANOS;
  }

  /**
   * Gives buffered records back to Kafka: each partition still assigned is sought to its first buffered record,
   * so a subscription or assignment call never loses records fetched but not yet returned.
   */
  private void rewindBuffered(Consumer<byte[], byte[]> c) {
    Map<TopicPartition, Long> first = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : buffer) {
      first.putIfAbsent(new TopicPartition(r.topic(), r.partition()), r.offset());
    }
    Set<TopicPartition> assigned = c.assignment();
    first.forEach((tp, offset) -> {
      if (assigned.contains(tp)) {
        c.seek(tp, offset);
      }
    });
    dropBuffered(null);
    setUpUntilNanos = System.nanoTime() + SET_UP_WINDOW_NANOS;
  }

  /** Forgets buffered records of these partitions (all, with null): after a seek or a reassignment they are stale. */
  private void dropBuffered(Collection<TopicPartition> partitions) {
    if (partitions == null) {
      buffer.clear();
      bufferedBytes = 0;
      return;
    }
    Set<TopicPartition> set = new HashSet<>(partitions);
    buffer.removeIf(r -> {
      boolean drop = set.contains(new TopicPartition(r.topic(), r.partition()));
      if (drop) {
        bufferedBytes -= size(r);
      }
      return drop;
    });
  }

  // ---- group membership ----

  /**
   * Keeps a subscribed instance that nobody reads a live member of its group. A classic-protocol rebalance waits
   * for every member to poll; without this, one idle instance would stall its whole group until
   * {@code max.poll.interval.ms}. The poll runs with the partitions paused, so it fetches nothing.
   */
  void keepInGroup(long idleNanos) {
    if (!subscribed || closed || busy() || System.nanoTime() - lastPollNanos < idleNanos) {
      return;
    }
    try {
      executor.execute(() -> {
        if (closed || busy() || !subscribed) {
          return;
        }
        try {
          pollPaused(consumer());
          autoCommitIfDue();
        } catch (RuntimeException e) {
          lost |= e instanceof FencedInstanceIdException; // the registry drops this copy
          log.debug("Group keep-alive poll of consumer {} failed", id, e);
        }
      });
    } catch (RuntimeException e) {
      // the pool is shutting down
    }
  }

  // ---- commits ----

  /** Commits what was returned for the given partitions (the current assignment, with null). */
  private void commitReturned(Consumer<byte[], byte[]> c, Collection<TopicPartition> scope) {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>(returned);
    offsets.keySet().retainAll(scope == null ? c.assignment() : scope);
    if (!offsets.isEmpty()) {
      c.commitSync(offsets);
    }
    if (scope == null) {
      uncommitted = false;
    }
  }

  private void commitIfAutoCommit(Consumer<byte[], byte[]> c, Collection<TopicPartition> scope) {
    if (autoCommit() && uncommitted) {
      try {
        commitReturned(c, scope);
      } catch (RuntimeException e) {
        log.warn("Auto-commit of consumer {} failed", id, e);
      }
    }
  }

  private boolean autoCommitDue() {
    if (!autoCommit() || !uncommitted) {
      return false;
    }
    long sinceLast = System.nanoTime() - lastAutoCommitNanos;
    if (commitEveryAnswer) {
      return answersCommitSent != answersReturned && (commitsInFlight == 0 || sinceLast >= COMMIT_IN_FLIGHT_NANOS);
    }
    return sinceLast >= autoCommitIntervalMs * 1_000_000;
  }

  /**
   * A durable instance whose commit is still unacknowledged after an answer: the answers given meanwhile are
   * committed together once it is acknowledged (at the instance's next poll), or {@link #COMMIT_IN_FLIGHT_NANOS}
   * after it was sent, whichever comes first; this timer makes sure of the latter when nothing else polls.
   */
  private void commitLater() {
    if (commitLaterScheduled || closed) {
      return;
    }
    commitLaterScheduled = true;
    try {
      timer.schedule(() -> {
        try {
          executor.execute(() -> {
            commitLaterScheduled = false;
            autoCommitQuietly();
          });
        } catch (RuntimeException e) {
          commitLaterScheduled = false; // shutting down; close() commits
        }
      }, COMMIT_IN_FLIGHT_NANOS, TimeUnit.NANOSECONDS);
    } catch (RuntimeException e) {
      commitLaterScheduled = false;
    }
  }

  /** Commits on the pool, after the current step: it may run on the caller's thread, which never calls Kafka. */
  private void commitOnPool() {
    try {
      executor.execute(this::autoCommitQuietly);
    } catch (RuntimeException e) {
      // the pool is shutting down; close() commits
    }
  }

  private void autoCommitQuietly() {
    if (!closed) {
      try {
        autoCommitIfDue();
      } catch (RuntimeException e) {
        lost |= e instanceof FencedInstanceIdException; // another node took it over: the registry drops this copy
        log.debug("Auto-commit of consumer {} failed", id, e);
      }
    }
  }

  private void autoCommitIfDue() {
    if (autoCommitDue()) {
      lastAutoCommitNanos = System.nanoTime();
      Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>(returned);
      offsets.keySet().retainAll(consumer().assignment());
      long answers = answersReturned;
      answersCommitSent = answers;
      commitsInFlight++;
      // The callback runs inside a later poll, on this executor. Until it confirms, close and revoke still commit
      // synchronously, so a failed async commit is not the last word. commitAsync sends the request at once.
      // A copy that another node has fenced (group.instance.id) gets FencedInstanceIdException here, and its next
      // poll throws it: the commit changed nothing, and the copy is dropped.
      consumer().commitAsync(offsets, (o, e) -> {
        commitsInFlight--;
        if (e != null) {
          log.debug("Auto-commit of consumer {} failed", id, e);
          if (answersCommitSent == answers) {
            answersCommitSent = -1; // a durable instance sends it again at the next read
          }
        } else if (answersReturned == answers) {
          uncommitted = false;
        }
      });
    }
  }

  private boolean autoCommit() {
    return settings.autoCommit() == null || settings.autoCommit();
  }

  /** Keeps the returned-offsets map and the buffer in step with what the group gives this instance. */
  private final class Rebalance implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      // Commit what was returned from the partitions going away, or their next owner would return it again.
      commitIfAutoCommit(consumer(), partitions);
      dropBuffered(partitions);
      returned.keySet().removeAll(partitions);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      joining = false; // called after every join, also with no partitions for this member
      meter.rebalanced();
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      dropBuffered(partitions);
      returned.keySet().removeAll(partitions);
    }
  }

  // ---- plumbing ----

  private static void requireAssigned(Consumer<byte[], byte[]> c, Collection<TopicPartition> partitions) {
    Set<TopicPartition> assigned = c.assignment();
    for (TopicPartition tp : partitions) {
      if (!assigned.contains(tp)) {
        throw Errors.illegalState("No current assignment for partition " + Errors.quote(tp));
      }
    }
  }

  private <T> CompletionStage<T> run(Function<Consumer<byte[], byte[]>, T> call) {
    return run(call, false);
  }

  /** As {@link #run(Function)}, once a taken-over subscribed instance has its partitions ({@link #joining}). */
  private <T> CompletionStage<T> runJoined(Function<Consumer<byte[], byte[]>, T> call) {
    return run(call, true);
  }

  private <T> CompletionStage<T> run(Function<Consumer<byte[], byte[]>, T> call, boolean afterJoin) {
    CompletableFuture<T> result = new CompletableFuture<>();
    begin();
    CompletionStage<T> answer = result.whenComplete((r, e) -> end());
    // Kafka bounds each call by default.api.timeout.ms, but a call may queue behind others on this instance.
    var deadline = timer.schedule(() -> result.completeExceptionally(new RestException(500, Errors.KAFKA_RETRIABLE,
        "The consumer instance did not complete the operation in time; try again.")),
        OPERATION_DEADLINE_MS, TimeUnit.MILLISECONDS);
    result.whenComplete((r, e) -> deadline.cancel(false));
    long joinUntil = afterJoin ? System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(JOIN_WAIT_MS) : 0;
    try {
      executor.execute(() -> attempt(result, call, afterJoin, joinUntil));
    } catch (RuntimeException e) {
      result.completeExceptionally(Errors.unavailable("The proxy is shutting down."));
    }
    return answer;
  }

  /**
   * Runs the call on the executor; with {@code afterJoin}, while the instance is {@link #joining}, first polls the
   * consumer (paused, so that it fetches nothing) and tries again every {@link #JOIN_POLL_MS} on the timer, holding
   * no thread meanwhile, until the group has answered or {@code joinUntil} has passed; then the call runs as it is.
   */
  private <T> void attempt(CompletableFuture<T> result, Function<Consumer<byte[], byte[]>, T> call, boolean afterJoin,
                           long joinUntil) {
    if (result.isDone()) {
      return;
    }
    if (closed) {
      result.completeExceptionally(gone());
      return;
    }
    try {
      Consumer<byte[], byte[]> c = consumer();
      if (afterJoin && joining) {
        if (System.nanoTime() - joinUntil < 0) {
          pollPaused(c);
        }
        if (joining && System.nanoTime() - joinUntil < 0) {
          timer.schedule(() -> {
            try {
              executor.execute(() -> attempt(result, call, true, joinUntil));
            } catch (RuntimeException e) {
              result.completeExceptionally(Errors.unavailable("The proxy is shutting down."));
            }
          }, JOIN_POLL_MS, TimeUnit.MILLISECONDS);
          return;
        }
        if (joining) {
          joining = false; // the group did not answer in time: the call answers as it would have anyway
          log.debug("Consumer {} got no assignment within {} ms of its take-over", id, JOIN_WAIT_MS);
        }
      }
      result.complete(call.apply(c));
    } catch (RuntimeException e) {
      result.completeExceptionally(translate(e));
    }
  }

  /**
   * One poll that fetches nothing: the partitions already assigned are paused, and records of partitions the poll
   * newly assigns are kept for the next read.
   */
  private void pollPaused(Consumer<byte[], byte[]> c) {
    Set<TopicPartition> paused = Set.copyOf(c.assignment());
    c.pause(paused);
    try {
      for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ZERO)) {
        buffer.add(r);
        bufferedBytes += size(r);
      }
    } finally {
      Set<TopicPartition> stillAssigned = new HashSet<>(paused);
      stillAssigned.retainAll(c.assignment());
      c.resume(stillAssigned);
    }
    lastPollNanos = System.nanoTime();
  }

  /** The Kafka consumer, created on first use; only ever called on the executor. */
  private Consumer<byte[], byte[]> consumer() {
    if (consumer == null) {
      Consumer<byte[], byte[]> created = consumerFactory.get();
      Subscription stored = restore;
      if (stored != null) {
        restore = null;
        if (stored.topics() != null) {
          created.subscribe(stored.topics(), rebalanceListener);
          joining = !stored.topics().isEmpty();
        } else if (stored.pattern() != null) {
          created.subscribe(Pattern.compile(stored.pattern()), rebalanceListener);
          joining = true;
        } else if (stored.partitions() != null) {
          created.assign(stored.partitions());
        }
        subscribed = stored.subscribed();
        setUpUntilNanos = System.nanoTime() + SET_UP_WINDOW_NANOS;
      }
      consumer = created;
      meter.bind(consumer);
    }
    return consumer;
  }

  private void begin() {
    activeCalls.incrementAndGet();
  }

  private void end() {
    activeCalls.decrementAndGet();
    lastUsedMillis = clock.millis();
  }

  /** A closed instance was deleted, or (durable instances) moved to another node, where a retry finds it. */
  private RestException gone() {
    return lost ? DurableInstances.moved() : Errors.consumerInstanceNotFound();
  }

  private RuntimeException translate(RuntimeException e) {
    if (e instanceof RestException) {
      return e;
    }
    if (e instanceof FencedInstanceIdException) {
      lost = true; // another node runs this instance now; the registry drops this copy
      return DurableInstances.moved();
    }
    if (e instanceof IllegalStateException) {
      return Errors.illegalState(ExceptionMapper.safeKafkaMessage(e));
    }
    if (e instanceof IllegalArgumentException) {
      return Errors.badRequest(ExceptionMapper.safeKafkaMessage(e));
    }
    if (e instanceof SerializationException) {
      return Errors.serialization(ExceptionMapper.safeKafkaMessage(e));
    }
    return e;
  }

  /**
   * Closes the consumer: another node owns the instance now. A subscribed copy that Kafka has not fenced yet first
   * commits what it returned and has not seen confirmed (bounded by {@link #HANDOVER_COMMIT}): if it lands before
   * the new owner joins the group, the new owner starts after it; if the new owner has joined, the group fences the
   * commit and it changes nothing. A manually assigned copy, which nothing fences, does not commit, so that it never
   * writes its older positions over the new owner's. A static member does not leave its group on close.
   */
  void abandon(boolean moved) {
    boolean fenced = lost;
    lost |= moved;
    Runnable task = () -> {
      if (!closed) {
        closed = true;
        dropBuffered(null);
        if (moved && !fenced && subscribed && consumer != null && autoCommit() && uncommitted) {
          Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>(returned);
          try {
            offsets.keySet().retainAll(consumer.assignment());
            if (!offsets.isEmpty()) {
              consumer.commitSync(offsets, HANDOVER_COMMIT);
            }
          } catch (RuntimeException e) {
            log.debug("Hand-over commit of consumer {} failed (the new owner may have fenced it)", id, e);
          }
        }
        returned.clear();
        if (consumer != null) {
          try {
            consumer.close(Duration.ZERO);
          } catch (RuntimeException e) {
            log.debug("Closing the abandoned consumer {} failed", id, e);
          }
        }
      }
    };
    try {
      executor.execute(task);
    } catch (RuntimeException e) {
      task.run();
    }
  }

  /** Commits what was returned (with auto-commit), leaves the group and closes the consumer; bounded in time. */
  CompletionStage<Void> close(Duration timeout) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    Runnable closeTask = () -> {
      try {
        if (!closed) {
          closed = true;
          if (consumer != null) {
            commitIfAutoCommit(consumer, null);
            consumer.close(timeout);
          }
        }
      } catch (RuntimeException e) {
        log.warn("Closing consumer {} failed", id, e);
      } finally {
        meter.close();
        done.complete(null);
      }
    };
    try {
      executor.execute(closeTask);
    } catch (RuntimeException e) {
      closeTask.run();
    }
    return done;
  }
}
