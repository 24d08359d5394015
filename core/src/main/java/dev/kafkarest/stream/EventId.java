package dev.kafkarest.stream;

import dev.kafkarest.error.Errors;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code id} of an event: for every partition of the stream, the offset the stream reads next after that
 * event, as {@code partition:offset} pairs in partition order ({@code 0:42,1:17,2:0}). A client that sends it back
 * as {@code Last-Event-ID} resumes exactly after that event, on any node: the id is the whole state.
 */
public record EventId(Map<Integer, Long> positions) {
  /** An id is at most this long: 8 KiB is 500 partitions or more, and a header no container refuses. */
  static final int MAX_LENGTH = 8192;

  public EventId {
    positions = Collections.unmodifiableMap(new TreeMap<>(positions));
  }

  /** Parses an id this proxy wrote; anything else is a 400 before the stream starts. */
  public static EventId parse(String text) {
    if (text.length() > MAX_LENGTH) {
      throw Errors.badRequest("Last-Event-ID is too long.");
    }
    Map<Integer, Long> positions = new TreeMap<>();
    for (String pair : text.trim().split(",", -1)) {
      int colon = pair.indexOf(':');
      if (colon <= 0) {
        throw malformed();
      }
      int partition = number(pair.substring(0, colon), Integer.MAX_VALUE).intValue();
      long offset = number(pair.substring(colon + 1), Long.MAX_VALUE);
      if (positions.put(partition, offset) != null) {
        throw Errors.badRequest("Last-Event-ID names partition " + partition + " twice.");
      }
    }
    return new EventId(positions);
  }

  private static Long number(String digits, long max) {
    if (digits.isEmpty() || digits.length() > 19 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw malformed();
    }
    try {
      long value = Long.parseLong(digits);
      if (value > max) {
        throw malformed();
      }
      return value;
    } catch (NumberFormatException e) {
      throw malformed();
    }
  }

  private static RuntimeException malformed() {
    return Errors.badRequest("Last-Event-ID is malformed: expected partition:offset pairs such as 0:42,1:17.");
  }

  @Override
  public String toString() {
    StringBuilder text = new StringBuilder(positions.size() * 8);
    positions.forEach((partition, offset) -> {
      if (text.length() > 0) {
        text.append(',');
      }
      text.append(partition).append(':').append(offset);
    });
    return text.toString();
  }
}
