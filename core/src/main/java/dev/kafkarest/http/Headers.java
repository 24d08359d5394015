package dev.kafkarest.http;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Request headers with case-insensitive names, as HTTP defines them. Immutable. */
public final class Headers {
  private static final Headers EMPTY = new Headers(new TreeMap<>(String.CASE_INSENSITIVE_ORDER));

  private final Map<String, List<String>> values;

  private Headers(Map<String, List<String>> values) {
    this.values = values;
  }

  public static Headers empty() {
    return EMPTY;
  }

  public static Headers of(Map<String, List<String>> raw) {
    Map<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    raw.forEach((name, list) -> copy.computeIfAbsent(name, k -> new ArrayList<>()).addAll(list));
    copy.replaceAll((name, list) -> List.copyOf(list));
    return new Headers(Collections.unmodifiableMap(copy));
  }

  /** Convenience for tests and simple hosts: {@code Headers.of("Content-Type", "application/json")}. */
  public static Headers of(String... namesAndValues) {
    if (namesAndValues.length % 2 != 0) {
      throw new IllegalArgumentException("names and values must come in pairs");
    }
    Map<String, List<String>> raw = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    for (int i = 0; i < namesAndValues.length; i += 2) {
      raw.computeIfAbsent(namesAndValues[i], k -> new ArrayList<>()).add(namesAndValues[i + 1]);
    }
    return of(raw);
  }

  public Optional<String> first(String name) {
    List<String> list = values.get(name);
    return list == null || list.isEmpty() ? Optional.empty() : Optional.of(list.get(0));
  }

  public List<String> all(String name) {
    return values.getOrDefault(name, List.of());
  }

  public Map<String, List<String>> asMap() {
    return values;
  }

  @Override
  public String toString() {
    return values.keySet().toString().toLowerCase(Locale.ROOT);
  }
}
