package dev.kafkarest.schema.proto;

/** A {@code .proto} text that is not a valid schema; the message names the file, line and column, as protoc does. */
public final class ProtoParseException extends RuntimeException {
  public ProtoParseException(String message, String file, int line, int column) {
    super(file + ":" + line + ":" + column + ": " + message, null, false, false);
  }

  /** An error found after parsing, where only the file and the element are known. */
  public ProtoParseException(String message, String file) {
    super(file + ": " + message, null, false, false);
  }
}
