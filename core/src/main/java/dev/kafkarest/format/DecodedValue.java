package dev.kafkarest.format;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;

/** A consumed key or value, already checked and decoded, ready to be written into the records answer. */
@FunctionalInterface
public interface DecodedValue {
  void writeTo(JsonGenerator out) throws IOException;
}
