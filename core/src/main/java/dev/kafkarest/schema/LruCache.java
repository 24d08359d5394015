package dev.kafkarest.schema;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

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
}
