package dev.kafkarest.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;

/**
 * Whether a proxy is still open, seen from outside: its producer's I/O thread is named after
 * {@code producer.client.id}, which a life-cycle test sets to a unique value.
 */
public final class ProxyContractThreads {
  private ProxyContractThreads() {}

  public static String producerThread(String clientId) {
    return "kafka-producer-network-thread | " + clientId;
  }

  public static boolean running(String threadName) {
    return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.isAlive() && t.getName().equals(threadName));
  }

  /** Waits up to 10 s for the proxy with this producer client id to be closed. */
  public static void assertClosed(String clientId) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (running(producerThread(clientId)) && System.nanoTime() < deadline) {
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    assertTrue(!running(producerThread(clientId)), "the proxy with producer " + clientId + " was not closed");
  }

  public static void assertOpen(String clientId) {
    assertTrue(running(producerThread(clientId)), "the proxy with producer " + clientId + " is not running");
  }
}
