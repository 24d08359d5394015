package dev.kafkarest.jaxrs;

import dev.kafkarest.http.Body;
import dev.kafkarest.http.GuardedOutput;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one answer, written on the proxy's thread, from touching a request the container has finished with.
 * When a client goes away mid-answer, a write fails and the container (Tomcat) fails the request on one of its
 * own threads and recycles its objects for the next request, while the writing thread is still inside the
 * container's stream: Tomcat's stream then records the failure on the recycled response, and the next request
 * served by the same processor fails at its first flush and never gets its body. After the body, the runtime
 * (Jersey) still flushes, closes and completes the request itself.
 *
 * <p>So every write holds the lock, and the container's own end of the request ({@link #containerFinished})
 * takes it, waits for the runtime to be done with the request ({@link #released}, its completion callback) and
 * only then lets the container finish. After that no write reaches the container: it fails here, and the body
 * ends (a stream frees its Kafka consumer and its slot). Without a container hook (no Servlet API) only the
 * writes themselves are guarded.
 */
final class AnswerGuard {
  /** How long the container waits for the runtime to let go of a failed request; it takes milliseconds. */
  static final long RELEASE_WAIT_MS = 10_000;
  private static final Logger log = LoggerFactory.getLogger(AnswerGuard.class);

  private final GuardedOutput output = new GuardedOutput();
  private final CountDownLatch released = new CountDownLatch(1);
  private volatile Thread writer;
  private volatile boolean clientLeft;

  /** The runtime's entity for {@code body}, written through this guard. */
  record Entity(Body body, AnswerGuard guard) implements jakarta.ws.rs.core.StreamingOutput {
    @Override
    public void write(OutputStream out) {
      guard.write(body, out);
    }
  }

  /** Writes {@code body}; a failed write (the client went away) ends it quietly, as nothing can be answered. */
  void write(Body body, OutputStream out) {
    writer = Thread.currentThread();
    try {
      body.writeTo(output.wrap(out));
    } catch (IOException e) {
      clientLeft = true;
      log.debug("Answer not written to its end (client gone?)", e);
    }
  }

  /** Whether the answer's body ended because a write failed: the client went away (or the container ended it). */
  boolean clientLeft() {
    return clientLeft;
  }

  /** The runtime has done all it does with the request (the answer's completion callback). */
  void released() {
    released.countDown();
  }

  /**
   * The container ends the request by itself (an I/O error, a timeout, its shutdown): waits for a write in
   * progress, stops all later ones, and, when {@code awaitRelease}, waits (bounded) until the runtime has let go.
   */
  void containerFinished(boolean awaitRelease) {
    output.finish();
    if (!awaitRelease || Thread.currentThread() == writer) {
      return; // on the writer's own thread the runtime lets go only after this returns
    }
    try {
      if (!released.await(RELEASE_WAIT_MS, TimeUnit.MILLISECONDS)) {
        log.warn("The runtime has not let go of a failed request after {} ms; the container ends it anyway",
            RELEASE_WAIT_MS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
