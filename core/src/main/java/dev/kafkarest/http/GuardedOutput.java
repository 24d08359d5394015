package dev.kafkarest.http;

import java.io.IOException;
import java.io.OutputStream;

/**
 * The write side of a binding's guard against a request the container has finished with: every write and flush
 * holds one lock, and once {@link #finish} has run (under the same lock, so never in the middle of a write) no
 * write reaches the container's stream any more; it fails here instead, which ends the answer's body. The
 * bindings call {@link #finish} from the container's own end of the request (its async listener).
 */
public final class GuardedOutput {
  private final Object lock = new Object();
  private boolean finished; // guarded by lock

  /** {@code out}, with every write and flush behind the guard. */
  public OutputStream wrap(OutputStream out) {
    return new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        synchronized (lock) {
          check();
          out.write(b);
        }
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        synchronized (lock) {
          check();
          out.write(b, off, len);
        }
      }

      @Override
      public void flush() throws IOException {
        synchronized (lock) {
          check();
          out.flush();
        }
      }
    };
  }

  private void check() throws IOException {
    if (finished) {
      throw new IOException("The container has finished this request (client gone).");
    }
  }

  /** Waits for a write in progress and stops every later one. */
  public void finish() {
    synchronized (lock) {
      finished = true;
    }
  }

  /** Whether {@link #finish} has not run. */
  public boolean open() {
    synchronized (lock) {
      return !finished;
    }
  }
}
