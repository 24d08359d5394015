package dev.kafkarest.consumer;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;

/**
 * Runs tasks one at a time, in submission order, on a shared pool. A {@code KafkaConsumer} is not thread-safe,
 * so each instance funnels every call through one of these; an idle instance holds no thread at all.
 */
final class SerialExecutor implements Executor {
  private final Executor pool;
  private final Queue<Runnable> tasks = new ArrayDeque<>();
  private boolean running;

  SerialExecutor(Executor pool) {
    this.pool = pool;
  }

  @Override
  public void execute(Runnable task) {
    synchronized (tasks) {
      tasks.add(task);
      if (running) {
        return;
      }
      running = true;
    }
    pool.execute(this::runNext);
  }

  /** Runs one task, then hands the pool thread back, so a busy instance cannot starve the others. */
  private void runNext() {
    Runnable next;
    synchronized (tasks) {
      next = tasks.poll();
    }
    try {
      next.run();
    } catch (RuntimeException e) {
      // Tasks complete their own futures; a stray exception must not stop the queue.
    } finally {
      synchronized (tasks) {
        if (tasks.isEmpty()) {
          running = false;
        } else {
          pool.execute(this::runNext);
        }
      }
    }
  }
}
