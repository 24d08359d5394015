package dev.kafkarest.kafka;

import dev.kafkarest.metrics.ProxyMetrics;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small fixed set of transactional producers with stable {@code transactional.id}s ({@code prefix-0} ...
 * {@code prefix-(n-1)}), each running one transaction at a time. Because the ids are stable, a node that restarts
 * with the same prefix aborts the transactions its previous life left open (initTransactions), and an old
 * producer with the same id is fenced. Each producer has its own thread for the calls that block (init, commit,
 * abort); records are sent from any thread. A producer that hits a fatal error is closed and made again at the
 * next lease.
 */
public final class TransactionalProducerPool implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TransactionalProducerPool.class);

  private final KafkaClients clients;
  private final Map<String, Object> properties;
  private final ScheduledExecutorService scheduler;
  private final List<Slot> slots = new ArrayList<>();
  private final Deque<Slot> free = new ArrayDeque<>();
  private final Deque<CompletableFuture<Lease>> waiting = new ArrayDeque<>();
  private final ExecutorService fencer;
  private final TopicRecordLimits limits;
  private boolean closed;

  public TransactionalProducerPool(KafkaClients clients, Map<String, Object> producerProperties, String idPrefix,
                                   int size, ScheduledExecutorService scheduler, TopicRecordLimits limits) {
    this.clients = clients;
    this.limits = limits;
    this.properties = new HashMap<>(producerProperties);
    this.scheduler = scheduler;
    for (int i = 0; i < size; i++) {
      Slot slot = new Slot(idPrefix + "-" + i);
      slots.add(slot);
      free.add(slot);
    }
    this.fencer = Executors.newSingleThreadExecutor(daemon("kafka-rest-txn-fencer"));
  }

  /** A producer for one transaction, within {@code timeoutMs}; fails with a TimeoutException when none is free. */
  public CompletableFuture<Lease> lease(long timeoutMs) {
    CompletableFuture<Lease> lease = new CompletableFuture<>();
    synchronized (this) {
      if (closed) {
        return CompletableFuture.failedFuture(new IllegalStateException("the producer pool is closed"));
      }
      Slot slot = free.poll();
      if (slot != null) {
        return CompletableFuture.completedFuture(new Lease(slot));
      }
      waiting.add(lease);
    }
    scheduler.schedule(() -> {
      if (lease.completeExceptionally(new TimeoutException("no transactional producer was free in time"))) {
        synchronized (this) {
          waiting.remove(lease);
        }
      }
    }, timeoutMs, TimeUnit.MILLISECONDS);
    return lease;
  }

  private void giveBack(Slot slot) {
    while (true) {
      CompletableFuture<Lease> next;
      synchronized (this) {
        next = waiting.poll();
        if (next == null) {
          free.add(slot);
          return;
        }
      }
      if (next.complete(new Lease(slot))) {
        return;
      }
    }
  }

  /**
   * Fences {@code transactionalId} (a producer of this or another node): its open transaction is aborted, or
   * finished if it was already committing, before the returned stage completes, and its producer can no longer
   * commit. One of this pool's idle producers is simply made again, which has the same effect.
   */
  public CompletableFuture<Void> fence(String transactionalId, Lease own) {
    if (own != null && own.transactionalId().equals(transactionalId)) {
      return own.slot.run(own.slot::reinit);
    }
    Slot idle = null;
    synchronized (this) {
      for (Slot s : free) {
        if (s.id.equals(transactionalId)) {
          idle = s;
          free.remove(s);
          break;
        }
      }
    }
    if (idle != null) {
      Slot slot = idle;
      return slot.run(slot::reinit).whenComplete((v, e) -> giveBack(slot));
    }
    return CompletableFuture.runAsync(() -> {
      Map<String, Object> props = new HashMap<>(properties);
      props.put("transactional.id", transactionalId);
      Producer<byte[], byte[]> producer = clients.producer(props);
      try {
        producer.initTransactions();
      } finally {
        producer.close(Duration.ZERO);
      }
    }, fencer);
  }

  @Override
  public void close() {
    synchronized (this) {
      closed = true;
      waiting.forEach(w -> w.completeExceptionally(new IllegalStateException("the producer pool is closed")));
      waiting.clear();
    }
    for (Slot slot : slots) {
      slot.close();
    }
    fencer.shutdownNow();
  }

  /** One transaction's producer: begin, send through {@link #records()}, then commit or abort, then release. */
  public final class Lease {
    private final Slot slot;
    private final Object sends = new Object();
    private boolean ended;
    private boolean released;
    private volatile Exception sendFailure;

    private Lease(Slot slot) {
      this.slot = slot;
    }

    /** No record of this lease's request may be sent after this: its transaction is being committed or aborted. */
    private void end() {
      synchronized (sends) {
        ended = true;
      }
    }

    public String transactionalId() {
      return slot.id;
    }

    /** Makes the producer (initTransactions) if needed and begins a transaction. */
    public CompletableFuture<Void> begin() {
      return slot.run(slot::begin);
    }

    /** Sends into the open transaction: call after {@link #begin} completed. */
    public RecordProducer records() {
      // Keyed produce is not metered yet. After a failed send the transaction can only abort: send no more.
      return new RecordProducer(slot.producer(), ProxyMetrics.NONE, limits, sends,
          () -> !ended && sendFailure == null,
          e -> {
            if (sendFailure == null) {
              sendFailure = e;
            }
          });
    }

    /**
     * The first send of this transaction that failed, or null. The producer cannot commit a transaction with a
     * failed send: its records are not written, whatever the request's answer says of the others.
     */
    public Exception sendFailure() {
      return sendFailure;
    }

    /**
     * Adds {@code last} to the transaction and commits it, on the producer's own thread: never send from a
     * producer callback, where a send that waits for metadata would block the thread that fetches it.
     */
    public CompletableFuture<Void> commit(ProducerRecord<byte[], byte[]> last) {
      end();
      return slot.run(() -> {
        try {
          limits.check(last);
          java.util.concurrent.Future<?> sent = slot.producer().send(last);
          if (sent.isDone()) {
            sent.get(); // refused at once (over max.request.size): the transaction cannot commit
          }
        } catch (RuntimeException e) {
          throw new NotCommitted(e);
        } catch (java.util.concurrent.ExecutionException e) {
          throw new NotCommitted(e.getCause());
        }
        slot.commit();
      });
    }

    public CompletableFuture<Void> abort() {
      end();
      return slot.run(slot::abort);
    }

    /** Gives the producer back; its transaction must be committed or aborted (or never begun) by now. */
    public void release() {
      synchronized (this) {
        if (released) {
          return;
        }
        released = true;
      }
      giveBack(slot);
    }
  }

  /** {@link Lease#commit}'s last record was refused before the commit was tried: nothing was committed. */
  public static final class NotCommitted extends RuntimeException {
    NotCommitted(Throwable cause) {
      super(cause.getMessage(), cause);
    }
  }

  private interface Step {
    void run() throws Exception;
  }

  private final class Slot {
    private final String id;
    private final ExecutorService thread;
    private volatile Producer<byte[], byte[]> producer;

    Slot(String id) {
      this.id = id;
      this.thread = Executors.newSingleThreadExecutor(daemon("kafka-rest-txn-" + id));
    }

    CompletableFuture<Void> run(Step step) {
      CompletableFuture<Void> done = new CompletableFuture<>();
      try {
        thread.execute(() -> {
          try {
            step.run();
            done.complete(null);
          } catch (Throwable t) {
            done.completeExceptionally(t);
          }
        });
      } catch (RuntimeException e) {
        done.completeExceptionally(e);
      }
      return done;
    }

    private Producer<byte[], byte[]> producer() {
      Producer<byte[], byte[]> p = producer;
      if (p == null) {
        throw new IllegalStateException("no transaction is open on " + id);
      }
      return p;
    }

    void begin() {
      if (producer == null) {
        reinit();
      }
      try {
        producer.beginTransaction();
      } catch (RuntimeException e) {
        discard();
        throw e;
      }
    }

    void reinit() {
      discard();
      Map<String, Object> props = new HashMap<>(properties);
      props.put("transactional.id", id);
      Producer<byte[], byte[]> p = clients.producer(props);
      try {
        p.initTransactions();
      } catch (RuntimeException e) {
        p.close(Duration.ZERO);
        throw e;
      }
      producer = p;
    }

    void commit() {
      try {
        producer().commitTransaction();
      } catch (RuntimeException e) {
        if (fatal(e)) {
          discard();
        } else {
          abort();
        }
        throw e;
      }
    }

    void abort() {
      Producer<byte[], byte[]> p = producer;
      if (p == null) {
        return;
      }
      try {
        p.abortTransaction();
      } catch (RuntimeException e) {
        log.debug("Aborting the transaction of {} failed; the producer is made again", id, e);
        discard();
      }
    }

    private void discard() {
      Producer<byte[], byte[]> p = producer;
      producer = null;
      if (p != null) {
        try {
          p.close(Duration.ZERO);
        } catch (RuntimeException e) {
          log.debug("Closing the producer {} failed", id, e);
        }
      }
    }

    void close() {
      run(this::discard);
      thread.shutdown();
      try {
        if (!thread.awaitTermination(10, TimeUnit.SECONDS)) {
          thread.shutdownNow();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static boolean fatal(RuntimeException e) {
    return e instanceof ProducerFencedException || e instanceof InvalidProducerEpochException
        || e instanceof OutOfOrderSequenceException || e instanceof AuthorizationException
        || e instanceof UnsupportedVersionException || e instanceof IllegalStateException
        || !(e instanceof KafkaException);
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }
}
