package dev.kafkarest.format;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/** A record's Kafka headers as JSON, for the extensions that show them (records answers, event streams). */
public final class HeadersJson {
  private HeadersJson() {}

  /** A {@code headers} field: a list of {@code name} and base64 {@code value} (null for null); repeated names kept. */
  public static void write(JsonGenerator g, Headers headers) throws IOException {
    g.writeArrayFieldStart("headers");
    for (Header h : headers) {
      g.writeStartObject();
      g.writeStringField("name", h.key());
      if (h.value() == null) {
        g.writeNullField("value");
      } else {
        g.writeFieldName("value");
        g.writeBinary(h.value());
      }
      g.writeEndObject();
    }
    g.writeEndArray();
  }
}
