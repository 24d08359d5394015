package dev.kafkarest.stream;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.kafkarest.consumer.ConsumedRecord;
import dev.kafkarest.error.ExceptionMapper;
import dev.kafkarest.error.RestException;
import dev.kafkarest.format.DecodedValue;
import dev.kafkarest.format.HeadersJson;
import dev.kafkarest.format.RecordFormat;
import dev.kafkarest.http.Json;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Writes Server-Sent Events: one event per record ({@code id}, then {@code data} with the record as one line of
 * JSON), {@code event: record-error} for a record the format cannot decode, and comment lines. Events are
 * buffered (at most 64 KiB) until {@link #flush}, so a poll's records leave in few socket writes.
 */
final class EventWriter {
  static final String RECORD_ERROR = "record-error";
  static final String STREAM_ERROR = "stream-error";
  private static final byte[] ID = "id: ".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] EVENT = "event: ".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] END = "\n\n".getBytes(StandardCharsets.US_ASCII);

  private final OutputStream out;
  private final RecordFormat format;
  private final ByteArrayOutputStream json = new ByteArrayOutputStream(1024);

  EventWriter(OutputStream out, RecordFormat format) {
    this.out = new BufferedOutputStream(out, 64 * 1024);
    this.format = format;
  }

  /**
   * The first comment, padded past 8 KiB: some containers hold back the start of an answer until that much has
   * been written (Jersey's default {@code jersey.config.server.contentLength.buffer} is 8 KiB), and the client
   * must get the head at once to know the stream is open.
   */
  void opening(String text) throws IOException {
    byte[] padding = new byte[8 * 1024 + 1];
    java.util.Arrays.fill(padding, (byte) ' ');
    out.write((": " + text).getBytes(StandardCharsets.UTF_8));
    out.write(padding);
    out.write(END);
  }

  void comment(String text) throws IOException {
    out.write((": " + text + "\n\n").getBytes(StandardCharsets.UTF_8));
  }

  /** One record as an event; a record that does not decode becomes a {@value #RECORD_ERROR} event instead. */
  void record(ConsumerRecord<byte[], byte[]> r, String id) throws IOException {
    json.reset();
    String type = null;
    try (JsonGenerator g = Json.generator(json)) {
      writeRecord(g, r);
    } catch (RuntimeException | StackOverflowError e) { // the latter: data nested too deeply to decode
      json.reset();
      type = RECORD_ERROR;
      writeError(r, e);
    }
    event(id, type);
  }

  /** A record a consumer instance read (already decoded) as an event. */
  void consumed(ConsumedRecord r, String id) throws IOException {
    json.reset();
    try (JsonGenerator g = Json.generator(json)) {
      g.writeStartObject();
      g.writeStringField("topic", r.topic());
      g.writeNumberField("partition", r.partition());
      g.writeNumberField("offset", r.offset());
      g.writeNumberField("timestamp", r.timestamp());
      g.writeStringField("timestamp_type", r.timestampType());
      g.writeFieldName("key");
      write(g, r.key());
      g.writeFieldName("value");
      write(g, r.value());
      HeadersJson.write(g, r.headers());
      g.writeEndObject();
    }
    event(id, null);
  }

  /** The last event of a stream that cannot go on: {@code event: stream-error}, the error as v2 answers it. */
  void streamError(RestException e) throws IOException {
    json.reset();
    try (JsonGenerator g = Json.generator(json)) {
      g.writeStartObject();
      g.writeNumberField("error_code", e.errorCode());
      g.writeStringField("message", e.getMessage());
      g.writeEndObject();
    }
    out.write(EVENT);
    out.write(STREAM_ERROR.getBytes(StandardCharsets.US_ASCII));
    out.write('\n');
    out.write(DATA);
    json.writeTo(out);
    out.write(END);
  }

  private void event(String id, String type) throws IOException {
    out.write(ID);
    out.write(id.getBytes(StandardCharsets.US_ASCII));
    out.write('\n');
    if (type != null) {
      out.write(EVENT);
      out.write(type.getBytes(StandardCharsets.US_ASCII));
      out.write('\n');
    }
    out.write(DATA);
    json.writeTo(out); // compact JSON: a newline inside a string is escaped, so the data is one line
    out.write(END);
  }

  private void writeRecord(JsonGenerator g, ConsumerRecord<byte[], byte[]> r) throws IOException {
    // Decoded first, so a failure leaves nothing half written.
    DecodedValue key = r.key() == null ? null : format.decode(r.topic(), true, r.key());
    DecodedValue value = r.value() == null ? null : format.decode(r.topic(), false, r.value());
    g.writeStartObject();
    g.writeStringField("topic", r.topic());
    g.writeNumberField("partition", r.partition());
    g.writeNumberField("offset", r.offset());
    g.writeNumberField("timestamp", r.timestamp());
    g.writeStringField("timestamp_type", r.timestampType().name());
    g.writeFieldName("key");
    write(g, key);
    g.writeFieldName("value");
    write(g, value);
    HeadersJson.write(g, r.headers());
    g.writeEndObject();
  }

  private static void write(JsonGenerator g, DecodedValue value) throws IOException {
    if (value == null) {
      g.writeNull();
    } else {
      value.writeTo(g);
    }
  }

  private void writeError(ConsumerRecord<byte[], byte[]> r, Throwable failure) throws IOException {
    RestException e = failure instanceof RuntimeException re
        ? ExceptionMapper.toRestException(re)
        : new RestException(500, 40801, "The record is nested too deeply to decode.");
    int code = e.status() == 500 ? 40801 : e.errorCode();
    String message = e.status() == 500 ? "The record cannot be decoded in the stream's format." : e.getMessage();
    try (JsonGenerator g = Json.generator(json)) {
      g.writeStartObject();
      g.writeStringField("topic", r.topic());
      g.writeNumberField("partition", r.partition());
      g.writeNumberField("offset", r.offset());
      g.writeNumberField("error_code", code);
      g.writeStringField("message", message);
      g.writeEndObject();
    }
  }

  void flush() throws IOException {
    out.flush();
  }
}
