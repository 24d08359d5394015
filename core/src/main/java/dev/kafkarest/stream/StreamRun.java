package dev.kafkarest.stream;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The life of one event stream's answer: the binding's writer runs on a thread of the streams' pool, the body is
 * written at most once, and the stream's slot is given back exactly once, whether the body was written, never
 * started (the client left first) or refused by a closing proxy.
 */
final class StreamRun {
  private final EventStreams owner;
  private final EventStreams.Slot slot;
  private final AtomicBoolean started = new AtomicBoolean();

  StreamRun(EventStreams owner, EventStreams.Slot slot) {
    this.owner = owner;
    this.slot = slot;
  }

  /** For {@code StreamingBody.dispatch}: runs the binding's writer on the pool. */
  void dispatch(Runnable writer) {
    Runnable owned = () -> {
      try {
        writer.run();
      } finally {
        if (started.compareAndSet(false, true)) {
          slot.release(); // the binding never wrote the body (the client left before): nothing was opened
        }
      }
    };
    try {
      owner.threads().execute(owned);
    } catch (RejectedExecutionException e) {
      started.set(true); // the proxy is closing: the answer ends at once, without a consumer
      slot.release();
      writer.run();
    }
  }

  /** Whether the body may be written now: true once; {@link #end} must follow. */
  boolean begin() {
    return started.compareAndSet(false, true);
  }

  void end() {
    slot.release();
  }
}
