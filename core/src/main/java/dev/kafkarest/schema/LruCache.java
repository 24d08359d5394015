package dev.kafkarest.schema;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import java.util.function.Supplier;

/** A small bounded map, least recently used out first: caches must not grow with hostile input. */
final class LruCache<K, V> {
  private final Map<K, V> map;

  LruCache(int maxEntries) {
    this.map = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
        return size() > maxEntries;
      }
    };
  }

  synchronized V computeIfAbsent(K key, Function<K, V> compute) {
    return map.computeIfAbsent(key, compute);
  }

  synchronized void remove(K key, V value) {
    map.remove(key, value);
  }

  synchronized int size() {
    return map.size();
  }

  /** Shares one in-flight call per key; a failure is not cached, so the next request tries again. */
  static <K, V> CompletableFuture<V> shared(LruCache<K, CompletableFuture<V>> cache, K key,
                                           Supplier<CompletableFuture<V>> call) {
    boolean[] created = {false};
    CompletableFuture<V> future = cache.computeIfAbsent(key, k -> {
      created[0] = true;
      return new CompletableFuture<>();
    });
    if (created[0]) {
      CompletableFuture<V> started;
      try {
        started = call.get();
      } catch (RuntimeException e) {
        started = CompletableFuture.failedFuture(e);
      }
      started.whenComplete((value, failure) -> {
        if (failure != null) {
          cache.remove(key, future);
          boolean wrapped = failure instanceof CompletionException && failure.getCause() != null;
          future.completeExceptionally(wrapped ? failure.getCause() : failure);
        } else {
          future.complete(value);
        }
      });
    }
    return future;
  }
}
