package dev.kafkarest.stream;

import dev.kafkarest.error.Errors;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * Where a stream starts on the partitions its {@code Last-Event-ID} does not name: {@code earliest},
 * {@code latest} (the default), or the first record at or after a timestamp (epoch milliseconds or ISO-8601).
 */
public record StartPosition(Kind kind, long timestampMs) {
  public enum Kind { EARLIEST, LATEST, TIMESTAMP }

  public static final StartPosition LATEST = new StartPosition(Kind.LATEST, -1);

  /** Parses the {@code start} query parameter; null or blank is {@code latest}; anything unknown is a 400. */
  public static StartPosition parse(String text) {
    if (text == null || text.isBlank()) {
      return LATEST;
    }
    String value = text.trim();
    switch (value.toLowerCase(Locale.ROOT)) {
      case "earliest":
        return new StartPosition(Kind.EARLIEST, -1);
      case "latest":
        return LATEST;
      default:
        break;
    }
    if (value.length() <= 19 && value.chars().allMatch(c -> c >= '0' && c <= '9')) {
      try {
        return new StartPosition(Kind.TIMESTAMP, Long.parseLong(value));
      } catch (NumberFormatException e) {
        throw malformed();
      }
    }
    try {
      long ms = Instant.parse(value).toEpochMilli();
      if (ms < 0) {
        throw malformed();
      }
      return new StartPosition(Kind.TIMESTAMP, ms);
    } catch (DateTimeParseException | ArithmeticException e) {
      throw malformed();
    }
  }

  private static RuntimeException malformed() {
    return Errors.badRequest(
        "start must be earliest, latest, a timestamp in epoch milliseconds or an ISO-8601 instant.");
  }
}
