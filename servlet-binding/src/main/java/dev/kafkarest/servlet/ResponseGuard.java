package dev.kafkarest.servlet;

import dev.kafkarest.http.GuardedOutput;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import java.io.OutputStream;

/**
 * Keeps a long answer from touching a response the container has finished with. When a client goes away, the
 * container may complete the request itself (onError, onComplete) and recycle its objects for the next request
 * (Tomcat 10.1 reuses them): a stream still writing from the proxy's thread would then write into, or close,
 * another client's answer. Every write holds the lock, and the container's events take it, so once the request
 * is finished no write reaches the container and the binding does not complete the request again.
 */
final class ResponseGuard implements AsyncListener {
  private final GuardedOutput output = new GuardedOutput();

  OutputStream wrap(OutputStream out) {
    return output.wrap(out);
  }

  /** Whether the container has not finished the request by itself. */
  boolean open() {
    return output.open();
  }

  private void finish() {
    output.finish();
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
