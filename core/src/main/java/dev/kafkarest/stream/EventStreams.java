package dev.kafkarest.stream;

import dev.kafkarest.error.Errors;
import dev.kafkarest.error.RestException;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The owner of every Server-Sent Events stream of one proxy: at most {@code max} at a time (one more is answered
 * 429), each written on one thread of this pool, which also drives the stream's Kafka consumer. The pool never
 * grows past the stream limit, and idle threads end after a while.
 */
public final class EventStreams implements AutoCloseable {
  /** The stream settings from the config. */
  public record Settings(int maxStreams, long keepAliveMs, long maxDurationMs) {}

  private final Settings settings;
  private final Semaphore slots;
  private final ThreadPoolExecutor threads;
  private final AtomicInteger consumersOpen = new AtomicInteger();

  public EventStreams(Settings settings) {
    this.settings = settings;
    this.slots = new Semaphore(settings.maxStreams());
    AtomicInteger count = new AtomicInteger();
    // Admission through the semaphore keeps the task count at max, so the queue stays short.
    this.threads = new ThreadPoolExecutor(settings.maxStreams(), settings.maxStreams(), 30, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), r -> {
          Thread t = new Thread(r, "kafka-rest-events-" + count.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
    threads.allowCoreThreadTimeOut(true);
  }

  public Settings settings() {
    return settings;
  }

  /** A slot for one more stream, or 429 when {@code max} are open. */
  public Slot open() {
    if (!slots.tryAcquire()) {
      throw new RestException(Errors.TOO_MANY_REQUESTS, Errors.TOO_MANY_REQUESTS,
          "Too many concurrent event streams: this proxy allows at most " + settings.maxStreams() + ".");
    }
    return new Slot();
  }

  /** Streams open now, counting one whose thread is still finishing. */
  public int active() {
    return settings.maxStreams() - slots.availablePermits();
  }

  /** Kafka consumers the streams hold now (each is closed before its slot is given back). */
  public int consumersOpen() {
    return consumersOpen.get();
  }

  Executor threads() {
    return threads;
  }

  void consumerOpened() {
    consumersOpen.incrementAndGet();
  }

  void consumerClosed() {
    consumersOpen.decrementAndGet();
  }

  /** Interrupts every stream's thread: each closes its consumer and its answer ends where it is. */
  @Override
  public void close() {
    threads.shutdownNow();
  }

  /** One stream's claim, given back once. */
  public final class Slot {
    private final AtomicBoolean released = new AtomicBoolean();

    public void release() {
      if (released.compareAndSet(false, true)) {
        slots.release();
      }
    }
  }
}
