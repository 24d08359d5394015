package dev.kafkarest.health;

import dev.kafkarest.schema.SchemaRegistryClient;
import dev.kafkarest.schema.SchemaRegistryException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeClusterResult;

/**
 * Answers {@link Health} within a bound: Kafka through the proxy's admin client ({@code describeCluster} with a
 * short timeout), the Schema Registry with one GET when it is configured. A result is kept for a short while and
 * callers that come meanwhile share it or the probe in flight, so a busy health page cannot flood the cluster.
 */
public final class HealthCheck {
  private final Admin admin;
  private final Supplier<SchemaRegistryClient> registry;
  private final BooleanSupplier closing;
  private final long timeoutMs;
  private final long cacheNanos;
  private final Probe kafka = new Probe();
  private final Probe schemaRegistry = new Probe();

  /**
   * @param registry the registry client, created at the first check (null when no registry is configured)
   * @param timeoutMs how long a probe may take before its component is down
   * @param cacheMs how long a probe's result is reused
   */
  public HealthCheck(Admin admin, Supplier<SchemaRegistryClient> registry, BooleanSupplier closing, long timeoutMs,
                     long cacheMs) {
    this.admin = admin;
    this.registry = registry;
    this.closing = closing;
    this.timeoutMs = timeoutMs;
    this.cacheNanos = TimeUnit.MILLISECONDS.toNanos(cacheMs);
  }

  /** Blocks at most about the timeout. */
  public Health check() {
    Map<String, Health.Component> components = new LinkedHashMap<>();
    if (closing.getAsBoolean()) {
      components.put("proxy", Health.Component.down("closing"));
      return Health.of(components);
    }
    CompletableFuture<Health.Component> kafkaAnswer = kafka.result(this::probeKafka);
    CompletableFuture<Health.Component> registryAnswer =
        registry == null ? null : schemaRegistry.result(this::probeRegistry);
    components.put("kafka", await(kafkaAnswer, "Kafka"));
    if (registryAnswer != null) {
      components.put("schemaRegistry", await(registryAnswer, "the Schema Registry"));
    }
    components.put("proxy", Health.Component.up(Map.of()));
    return Health.of(components);
  }

  private CompletableFuture<Health.Component> probeKafka() {
    DescribeClusterResult cluster;
    try {
      cluster = admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) timeoutMs));
    } catch (RuntimeException e) {
      return CompletableFuture.completedFuture(failed("Kafka", e));
    }
    CompletableFuture<String> id = cluster.clusterId().toCompletionStage().toCompletableFuture();
    CompletableFuture<Integer> brokers = cluster.nodes().toCompletionStage().toCompletableFuture()
        .thenApply(java.util.Collection::size);
    return id.thenCombine(brokers, (clusterId, count) -> {
      Map<String, Object> details = new LinkedHashMap<>();
      details.put("cluster_id", clusterId);
      details.put("brokers", count);
      return Health.Component.up(details);
    }).exceptionally(t -> failed("Kafka", t));
  }

  private CompletableFuture<Health.Component> probeRegistry() {
    try {
      return registry.get().reachable()
          .thenApply(v -> Health.Component.up(Map.of()))
          .exceptionally(t -> failed("the Schema Registry", t));
    } catch (RuntimeException e) {
      return CompletableFuture.completedFuture(failed("the Schema Registry", e));
    }
  }

  /** What a person needs: no exception text from a library, which can name hosts or settings. */
  private Health.Component failed(String what, Throwable t) {
    while ((t instanceof java.util.concurrent.CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof SchemaRegistryException e) {
      return Health.Component.down(e.getMessage());
    }
    if (t instanceof TimeoutException || t instanceof org.apache.kafka.common.errors.TimeoutException) {
      return Health.Component.down(what + " did not answer within " + timeoutMs + " ms");
    }
    return Health.Component.down(what + " could not be reached: " + t.getClass().getSimpleName());
  }

  private Health.Component await(CompletableFuture<Health.Component> answer, String what) {
    try {
      // The probe bounds itself; this bounds a probe that does not (an admin client stuck in its own work).
      return answer.get(timeoutMs + 500, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Health.Component.down("interrupted");
    } catch (ExecutionException | TimeoutException e) {
      return failed(what, e);
    }
  }

  /** One component's latest result: reused for the cache time, and shared while a probe runs. */
  private final class Probe {
    private CompletableFuture<Health.Component> current;
    private long doneAt;

    synchronized CompletableFuture<Health.Component> result(Supplier<CompletableFuture<Health.Component>> probe) {
      boolean fresh = current != null
          && (!current.isDone() || System.nanoTime() - doneAt < cacheNanos);
      if (!fresh) {
        CompletableFuture<Health.Component> started = probe.get()
            .orTimeout(timeoutMs + 250, TimeUnit.MILLISECONDS);
        current = started;
        started.whenComplete((c, e) -> finished(started));
      }
      return current;
    }

    private synchronized void finished(CompletableFuture<Health.Component> probe) {
      if (probe == current) {
        doneAt = System.nanoTime();
      }
    }
  }
}
