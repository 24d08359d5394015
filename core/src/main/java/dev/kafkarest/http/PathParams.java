package dev.kafkarest.http;

import dev.kafkarest.error.Errors;
import java.util.Map;

/** Values of the {@code {name}} segments of the matched path template, already URL-decoded. */
public record PathParams(Map<String, String> values) {
  public static final PathParams NONE = new PathParams(Map.of());

  public String get(String name) {
    String value = values.get(name);
    if (value == null) {
      throw new IllegalArgumentException("no path parameter " + name);
    }
    return value;
  }

  /** An int path segment; a non-number answers 404 like an unknown path, as JAX-RS does. */
  public int getInt(String name) {
    try {
      return Integer.parseInt(get(name));
    } catch (NumberFormatException e) {
      throw Errors.notFound();
    }
  }
}
