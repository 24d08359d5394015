package dev.kafkarest.schema.proto;

/** A {@code .proto} text that this parser cannot read; the message names the line. */
public final class ProtoParseException extends RuntimeException {
  public ProtoParseException(String message, int line) {
    super("line " + line + ": " + message, null, false, false);
  }
}
