package dev.kafkarest.testing;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds the path template of an OpenAPI document that a concrete path matches, as core's Router does: the same
 * number of segments, parameters match any non-empty (decoded) segment, and of several matches the one with the
 * most literal segments wins ({@code /topics/-/configs} over {@code /topics/{topic_name}/configs}).
 */
final class OpenApiPaths {
  private record Template(String path, String[] parts, int literals) {}

  private final List<Template> templates = new ArrayList<>();

  /** {@code prefix} is prepended to every template: a document whose server URL ends in {@code /v3} says "/v3". */
  OpenApiPaths(Iterable<String> paths, String prefix) {
    for (String path : paths) {
      String[] parts = split(prefix + path);
      int literals = 0;
      for (String part : parts) {
        literals += isParam(part) ? 0 : 1;
      }
      templates.add(new Template(path, parts, literals));
    }
  }

  /** The document's key (without the prefix) of the best template for {@code path}; the query is ignored. */
  Optional<String> match(String path) {
    int q = path.indexOf('?');
    String[] segments = split(q < 0 ? path : path.substring(0, q));
    Template best = null;
    for (Template t : templates) {
      if (matches(t, segments) && (best == null || t.literals > best.literals)) {
        best = t;
      }
    }
    return Optional.ofNullable(best).map(Template::path);
  }

  private static boolean matches(Template t, String[] segments) {
    if (t.parts.length != segments.length) {
      return false;
    }
    for (int i = 0; i < segments.length; i++) {
      String segment = URLDecoder.decode(segments[i].replace("+", "%2B"), StandardCharsets.UTF_8);
      if (isParam(t.parts[i]) ? segment.isEmpty() : !t.parts[i].equals(segment)) {
        return false;
      }
    }
    return true;
  }

  /** A whole segment in braces; {@code {topic_name}/configs:alter} keeps ":alter" in the next segment. */
  private static boolean isParam(String part) {
    return part.startsWith("{") && part.endsWith("}");
  }

  private static String[] split(String path) {
    String trimmed = path.replaceAll("^/+|/+$", "");
    return trimmed.isEmpty() ? new String[0] : trimmed.split("/", -1);
  }
}
