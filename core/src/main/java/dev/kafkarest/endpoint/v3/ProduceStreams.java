package dev.kafkarest.endpoint.v3;

import dev.kafkarest.KafkaRestConfig;
import dev.kafkarest.error.Errors;
import dev.kafkarest.error.LimitExceeded;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The owner of every v3 produce stream of one proxy: at most {@code max} at a time (one more is answered 429),
 * each on two threads of this pool (one reads the body and sends, one writes the answers). The pool never grows
 * past twice the stream limit, and idle threads end after a while.
 */
public final class ProduceStreams implements AutoCloseable {
  private final int max;
  private final Semaphore slots;
  private final ThreadPoolExecutor threads;

  public ProduceStreams(int max) {
    this.max = max;
    this.slots = new Semaphore(max);
    AtomicInteger count = new AtomicInteger();
    // Admission through the semaphore keeps the task count at 2 x max, so the queue never holds more than that.
    this.threads = new ThreadPoolExecutor(2 * max, 2 * max, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
      Thread t = new Thread(r, "kafka-rest-produce-stream-" + count.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    threads.allowCoreThreadTimeOut(true);
  }

  /** A slot for one more stream, or 429 when {@code max} are open. */
  Slot open() {
    if (!slots.tryAcquire()) {
      throw new LimitExceeded(KafkaRestConfig.V3_MAX_STREAMS, Errors.TOO_MANY_REQUESTS, Errors.TOO_MANY_REQUESTS,
          "Too many concurrent produce streams: this proxy allows at most " + max + ".");
    }
    return new Slot();
  }

  /** Streams open now, counting those whose threads are still finishing. */
  public int active() {
    return max - slots.availablePermits();
  }

  Executor threads() {
    return threads;
  }

  /** Interrupts every stream's threads; their answers end where they are. */
  @Override
  public void close() {
    threads.shutdownNow();
  }

  /** One stream's claim: given back when both of its threads are done. */
  final class Slot {
    private final AtomicInteger parts = new AtomicInteger(2);

    void partDone() {
      if (parts.decrementAndGet() == 0) {
        slots.release();
      }
    }
  }
}
