package dev.kafkarest.metrics;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Shutting a view down cancels what it scheduled (so a closed client is not kept alive) and nothing else. */
class CancellableSchedulerTest {
  @Test
  void shutdownCancelsOnlyThisViewsTasks() throws Exception {
    ScheduledThreadPoolExecutor shared = new ScheduledThreadPoolExecutor(1);
    try {
      CancellableScheduler one = new CancellableScheduler(shared);
      CancellableScheduler other = new CancellableScheduler(shared);
      ScheduledFuture<?> refresh = one.scheduleAtFixedRate(() -> {}, 1, 1, TimeUnit.HOURS);
      CountDownLatch ran = new CountDownLatch(2);
      ScheduledFuture<?> kept = other.scheduleAtFixedRate(ran::countDown, 0, 10, TimeUnit.MILLISECONDS);
      one.shutdown();
      assertTrue(refresh.isCancelled());
      assertTrue(one.isShutdown());
      assertFalse(kept.isCancelled());
      assertFalse(shared.isShutdown());
      assertTrue(ran.await(10, TimeUnit.SECONDS), "the other view's task runs on");
      assertTrue(one.scheduleAtFixedRate(() -> {}, 1, 1, TimeUnit.HOURS).isCancelled(), "nothing new after shutdown");
    } finally {
      shared.shutdownNow();
    }
  }
}
