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
    try {
      task.run();
    } catch (RuntimeException e) {
      // as in runNext: the task completes its own future
    } finally {
      synchronized (tasks) {
        if (tasks.isEmpty()) {
          running = false;
        } else {
          pool.execute(this::runNext);
        }
      }
    }
    return true;
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
