package dev.kafkarest.schema;

/** A schema that does not parse; the message is bounded and safe to show. */
public final class InvalidSchemaException extends RuntimeException {
  private static final int MAX = 240;

  public InvalidSchemaException(String message) {
    super(bound(message), null, false, false);
  }

  static String bound(String message) {
    String m = message == null ? "unknown error" : message.replaceAll("\\p{Cntrl}", " ");
    return m.length() > MAX ? m.substring(0, MAX) + "..." : m;
  }
}
