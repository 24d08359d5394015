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
  private boolean closed;
  /** Requests that may share one transaction. */
  private static final int MAX_MEMBERS = 4;

  public TransactionalProducerPool(KafkaClients clients, Map<String, Object> producerProperties, String idPrefix,
                                   int size, ScheduledExecutorService scheduler) {
    this.clients = clients;
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
      for (Slot busy : slots) {
        Group g = busy.group;
        if (g != null && g.joinable && g.members < MAX_MEMBERS) {
          g.members++;
          return CompletableFuture.completedFuture(new Lease(busy, g));
        }
      }
      Slot slot = free.poll();
      if (slot != null) {
        return CompletableFuture.completedFuture(newGroup(slot));
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

  /** Called with the pool's lock held. */
  private Lease newGroup(Slot slot) {
    Group g = new Group();
    g.members = 1;
    slot.group = g;
    return new Lease(slot, g);
  }

  private void giveBack(Slot slot) {
    while (true) {
      CompletableFuture<Lease> next;
      Lease lease;
      synchronized (this) {
        slot.group = null;
        next = waiting.poll();
        if (next == null) {
          free.add(slot);
          return;
        }
        lease = newGroup(slot);
      }
      if (next.complete(lease)) {
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
      synchronized (this) {
        if (own.group.members > 1 || own.slot.txn != null) {
          // Making the producer again would abort the transaction the other requests of its group share.
          return CompletableFuture.failedFuture(new GroupBusy());
        }
        own.group.joinable = false;
      }
      return own.slot.run(own.slot::reinit);
    }
    Slot idle = null;
    synchronized (this) {
      for (Slot s : free) {
        if (s.id.equals(transactionalId)) {
          idle = s;
          free.remove(s);
          s.group = new Group(); // not joinable while it is made again
          s.group.joinable = false;
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

  /**
   * One request's part of a transaction: begin, send through {@link #records()}, then commit or abort, then
   * release. Requests that lease a producer while its group is still forming share it (group commit): a request
   * that begins while the producer's transaction is open and no member has finished joins that transaction,
   * otherwise it waits for it to end and begins the next one. A transaction commits once every member that joined
   * it committed, and aborts if any aborted. Only requests that began are members, so a transaction never waits
   * for a request that is still checking its key.
   */
  public final class Lease {
    private final Slot slot;
    private final Group group;
    private final Object sends = new Object();
    private boolean ended;
    private boolean released;
    private Txn txn; // guarded by the pool: the transaction this request joined
    private boolean finished; // guarded by the pool

    private Lease(Slot slot, Group group) {
      this.slot = slot;
      this.group = group;
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

    /** Whether other requests share this lease's producer now. */
    public boolean shared() {
      synchronized (TransactionalProducerPool.this) {
        return group.members > 1 || slot.txn != null;
      }
    }

    /** Makes the producer (initTransactions) if needed and begins (or joins) a transaction. */
    public CompletableFuture<Void> begin() {
      Txn finishing;
      synchronized (TransactionalProducerPool.this) {
        if (finished) {
          return CompletableFuture.failedFuture(new GroupAborted()); // gave up while waiting for the last one
        }
        group.joinable = false; // requests that lease later would begin later: this one would wait for them
        Txn t = slot.txn;
        if (t == null) {
          t = new Txn();
          slot.txn = t;
          t.begun = slot.run(slot::begin);
        }
        if (t.open) {
          t.members++;
          txn = t;
          return t.begun;
        }
        finishing = t;
      }
      return finishing.done.handle((v, e) -> null).thenCompose(x -> begin());
    }

    /** Sends into the open transaction: call after {@link #begin} completed. */
    public RecordProducer records() {
      return new RecordProducer(slot.producer(), ProxyMetrics.NONE, sends, () -> !ended); // keyed produce is not metered yet
    }

    /**
     * Adds {@code last} to the transaction and commits it (with the rest of its members), on the producer's own
     * thread: never send from a producer callback, where a send that waits for metadata would block the thread
     * that fetches it. Fails with {@link GroupAborted} when another member's failure aborted the transaction.
     */
    public CompletableFuture<Void> commit(ProducerRecord<byte[], byte[]> last) {
      end();
      return slot.run(() -> slot.producer().send(last)).thenCompose(v -> finish(false));
    }

    public CompletableFuture<Void> abort() {
      end();
      return finish(true);
    }

    /** This member's part is over; {@code abort} aborts the whole transaction. */
    private CompletableFuture<Void> finish(boolean abort) {
      Txn t;
      boolean last;
      synchronized (TransactionalProducerPool.this) {
        t = txn;
        boolean first = !finished;
        finished = true;
        if (t == null) {
          return CompletableFuture.completedFuture(null); // never began
        }
        if (first) {
          t.finished++;
          t.aborted |= abort;
          t.open = false;
        }
        last = t.finished == t.members && !t.ended;
        if (last) {
          t.ended = true;
        }
      }
      if (last) {
        t.begun.whenComplete((v, e) -> {
          if (e != null) {
            done(t, e);
            return;
          }
          slot.run(t.aborted ? slot::abort : slot::commit)
              .whenComplete((x, f) -> done(t, f != null ? f : t.aborted ? new GroupAborted() : null));
        });
      }
      return t.done;
    }

    private void done(Txn t, Throwable failure) {
      synchronized (TransactionalProducerPool.this) {
        if (slot.txn == t) {
          slot.txn = null;
        }
      }
      if (failure != null) {
        t.done.completeExceptionally(failure);
      } else {
        t.done.complete(null);
      }
    }

    /** Gives the producer back; its transaction must be committed or aborted (or never begun) by now. */
    public void release() {
      synchronized (this) {
        if (released) {
          return;
        }
        released = true;
      }
      // A member that began and never ended aborts its transaction.
      finish(true).whenComplete((v, e) -> {
        boolean free;
        synchronized (TransactionalProducerPool.this) {
          group.released++;
          free = group.released == group.members;
        }
        if (free) {
          giveBack(slot);
        }
      });
    }
  }

  /** The requests that hold one producer now. Guarded by the pool's lock. */
  private static final class Group {
    int members;
    int released;
    boolean joinable = true;
  }

  /** One transaction of a producer and the requests in it. Guarded by the pool's lock. */
  private static final class Txn {
    int members;
    int finished;
    boolean open = true;
    boolean aborted;
    boolean ended;
    CompletableFuture<Void> begun;
    final CompletableFuture<Void> done = new CompletableFuture<>();
  }

  /** The transaction was aborted, by this request or another of its group: nothing of it was written. */
  public static final class GroupAborted extends KafkaException {
    GroupAborted() {
      super("the transaction was aborted");
    }
  }

  /** The own producer cannot be made again now: other requests share its transaction. */
  public static final class GroupBusy extends KafkaException {
    GroupBusy() {
      super("the producer is busy with other requests");
    }
  }

  private interface Step {
    void run() throws Exception;
  }

  private final class Slot {
    private final String id;
    private final ExecutorService thread;
    private volatile Producer<byte[], byte[]> producer;
    private Group group; // guarded by the pool: the requests holding this producer now
    private Txn txn; // guarded by the pool: its open transaction

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
