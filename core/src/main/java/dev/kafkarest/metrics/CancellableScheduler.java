package dev.kafkarest.metrics;

import java.util.List;
import java.util.Set;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One user's view of a shared scheduler: what it schedules can be cancelled together ({@link #shutdown}),
 * without touching the shared one. Micrometer's Kafka binders never cancel their refresh task on an outside
 * scheduler, which would keep every closed consumer reachable; each binder gets one of these instead.
 */
final class CancellableScheduler extends AbstractExecutorService implements ScheduledExecutorService {
  private final ScheduledExecutorService shared;
  private final Set<ScheduledFuture<?>> scheduled = ConcurrentHashMap.newKeySet();
  private volatile boolean shutdown;

  CancellableScheduler(ScheduledExecutorService shared) {
    this.shared = shared;
  }

  private <F extends ScheduledFuture<?>> F track(F future) {
    scheduled.add(future);
    if (shutdown) {
      future.cancel(false);
    }
    return future;
  }

  @Override
  public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
    return track(shared.schedule(command, delay, unit));
  }

  @Override
  public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
    return track(shared.schedule(callable, delay, unit));
  }

  @Override
  public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
    return track(shared.scheduleAtFixedRate(command, initialDelay, period, unit));
  }

  @Override
  public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
    return track(shared.scheduleWithFixedDelay(command, initialDelay, delay, unit));
  }

  @Override
  public void execute(Runnable command) {
    if (!shutdown) {
      shared.execute(command);
    }
  }

  /** Cancels everything scheduled through this view; the shared scheduler runs on. */
  @Override
  public void shutdown() {
    shutdown = true;
    scheduled.forEach(f -> f.cancel(false));
    scheduled.clear();
  }

  @Override
  public List<Runnable> shutdownNow() {
    shutdown();
    return List.of();
  }

  @Override
  public boolean isShutdown() {
    return shutdown;
  }

  @Override
  public boolean isTerminated() {
    return shutdown;
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) {
    return shutdown;
  }
}
