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
    try {
      pool.execute(this::runNext);
    } catch (RuntimeException e) {
      synchronized (tasks) { // the pool is shutting down: forget the task rather than jam the queue for good
        tasks.remove(task);
        running = false;
      }
      throw e;
    }
  }

  /**
   * Runs {@code task} on the calling thread if the queue is idle (nothing queued or running), keeping the order
   * of every later task; returns false, running nothing, otherwise. For short, non-blocking tasks only: it saves
   * the hand-off to a pool thread when the answer is already there.
   */
  boolean tryRunInline(Runnable task) {
    synchronized (tasks) {
      if (running) {
        return false;
      }
      running = true;
    }
    runThenHandOff(task);
    return true;
  }

  /** Runs one task, then hands the pool thread back, so a busy instance cannot starve the others. */
  private void runNext() {
    Runnable next;
    synchronized (tasks) {
      next = tasks.poll();
    }
    runThenHandOff(next);
  }

  /** Runs one task; then either marks the queue idle or hands the next task to a pool thread. */
  private void runThenHandOff(Runnable task) {
    try {
      task.run();
    } catch (RuntimeException e) {
      // Tasks complete their own futures; a stray exception must not stop the queue.
    } finally {
      synchronized (tasks) {
        if (tasks.isEmpty()) {
          running = false;
        } else {
          handOff();
        }
      }
    }
  }

  private void handOff() {
    try {
      pool.execute(this::runNext);
    } catch (RuntimeException e) {
      tasks.clear(); // the pool is shutting down; callers' futures end through their own deadlines
      running = false;
    }
  }
}
