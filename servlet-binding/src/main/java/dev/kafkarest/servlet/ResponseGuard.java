package dev.kafkarest.servlet;

import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Keeps a long answer from touching a response the container has finished with. When a client goes away, the
 * container may complete the request itself (onError, onComplete) and recycle its objects for the next request
 * (Tomcat 10.1 reuses them): a stream still writing from the proxy's thread would then write into, or close,
 * another client's answer. Every write holds the lock, and the container's events take it, so once the request
 * is finished no write reaches the container and the binding does not complete the request again.
 */
final class ResponseGuard implements AsyncListener {
  private final Object lock = new Object();
  private boolean finished; // guarded by lock

  OutputStream wrap(OutputStream out) {
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

  /** Whether the container has not finished the request by itself. */
  boolean open() {
    synchronized (lock) {
      return !finished;
    }
  }

  private void finish() {
    synchronized (lock) {
      finished = true;
    }
  }

  @Override
  public void onComplete(AsyncEvent event) {
    finish();
  }

  @Override
  public void onError(AsyncEvent event) {
    finish();
  }

  @Override
  public void onTimeout(AsyncEvent event) {
    finish();
  }

  @Override
  public void onStartAsync(AsyncEvent event) {}
}
