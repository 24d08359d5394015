package dev.kafkarest.schema;

/** A schema that does not parse; the message is bounded and safe to show. */
public final class InvalidSchemaException extends RuntimeException {
  private static final int MAX = 240;

  public InvalidSchemaException(String message) {
    super(bound(message), null, false, false);
  }

  /**
   * A library's message made fit for a client: no leading exception class name (parsers wrap one another), no
   * parser location suffix, no control characters, bounded length.
   */
  static String bound(String message) {
    String m = message == null ? "unknown error" : message.replaceAll("\\p{Cntrl}", " ");
    m = m.replaceFirst("^([a-z][a-z0-9_]*\\.)+[A-Za-z0-9_$]*(Exception|Error): ", "");
    int location = m.indexOf(" at [Source:");
    if (location >= 0) {
      m = m.substring(0, location);
    }
    m = m.strip();
    return m.length() > MAX ? m.substring(0, MAX) + "..." : m;
  }
}
