package dev.kafkarest.http;

import java.io.IOException;
import java.io.OutputStream;

/** A response body that writes itself to the container's stream, so nothing is buffered twice. */
@FunctionalInterface
public interface Body {
  Body EMPTY = out -> {};

  void writeTo(OutputStream out) throws IOException;

  static Body of(byte[] bytes) {
    return out -> out.write(bytes);
  }
}
