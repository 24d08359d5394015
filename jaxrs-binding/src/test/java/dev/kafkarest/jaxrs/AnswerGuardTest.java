package dev.kafkarest.jaxrs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The guard between an answer's writer and the container's end of the request, on plain threads and streams. */
class AnswerGuardTest {
  @Test
  void noWriteReachesTheContainerAfterItFinishedTheRequest() {
    AnswerGuard guard = new AnswerGuard();
    ByteArrayOutputStream container = new ByteArrayOutputStream();
    AtomicBoolean refused = new AtomicBoolean();
    guard.write(out -> {
      out.write("one".getBytes(StandardCharsets.US_ASCII));
      guard.containerFinished(false);
      try {
        out.write("two".getBytes(StandardCharsets.US_ASCII));
      } catch (IOException e) {
        refused.set(true);
        throw e; // the body ends; the guard ends the answer quietly
      }
    }, container);
    assertTrue(refused.get());
    assertEquals("one", container.toString(StandardCharsets.US_ASCII));
  }

  @Test
  void theContainerWaitsForAWriteInProgress() throws Exception {
    AnswerGuard guard = new AnswerGuard();
    CountDownLatch writing = new CountDownLatch(1);
    CountDownLatch letWriteReturn = new CountDownLatch(1);
    OutputStream slowContainer = new OutputStream() {
      @Override
      public void write(int b) {
        writing.countDown();
        await(letWriteReturn);
      }
    };
    CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> guard.write(out -> out.write(1), slowContainer));
    assertTrue(writing.await(10, TimeUnit.SECONDS));
    CompletableFuture<Void> containerEnd = CompletableFuture.runAsync(() -> guard.containerFinished(false));
    assertFalse(finishesWithin(containerEnd, 200), "the container went on while a write was in the container");
    letWriteReturn.countDown();
    containerEnd.get(10, TimeUnit.SECONDS);
    writer.get(10, TimeUnit.SECONDS);
  }

  @Test
  void aFailedRequestIsFinishedOnlyOnceTheRuntimeLetsGo() throws Exception {
    AnswerGuard guard = new AnswerGuard();
    CompletableFuture<Void> containerEnd = CompletableFuture.runAsync(() -> guard.containerFinished(true));
    assertFalse(finishesWithin(containerEnd, 200), "the container went on before the runtime let go");
    guard.released();
    containerEnd.get(10, TimeUnit.SECONDS);
  }

  @Test
  void onTheWritersOwnThreadTheContainerDoesNotWaitForItself() {
    AnswerGuard guard = new AnswerGuard();
    long start = System.nanoTime();
    guard.write(out -> guard.containerFinished(true), new ByteArrayOutputStream());
    assertTrue(System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(AnswerGuard.RELEASE_WAIT_MS),
        "waited for a release only this thread could give");
  }

  private static boolean finishesWithin(CompletableFuture<Void> future, long ms) throws Exception {
    try {
      future.get(ms, TimeUnit.MILLISECONDS);
      return true;
    } catch (java.util.concurrent.TimeoutException e) {
      return false;
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
