package dev.kafkarest.format;

import com.fasterxml.jackson.core.JsonParser;
import java.io.IOException;
import java.util.concurrent.CompletionStage;

/**
 * One embedded format, both ways: JSON from a produce request into Kafka bytes, and Kafka bytes into JSON for
 * a consumer. One implementation per format; all of them work on {@code byte[]} Kafka records.
 */
public interface RecordFormat {
  EmbeddedFormat format();

  /**
   * Reads one key or value from a produce request. The parser is on the value's first token, which is never
   * {@code null} (the caller handles JSON null). Returns this format's intermediate form for {@link RecordEncoder}.
   */
  Object read(JsonParser parser) throws IOException;

  /** Resolves what a produce request needs once (schemas, for the schema formats), before any record is encoded. */
  CompletionStage<RecordEncoder> encoder(String topic, SchemaSelection schemas);

  /** Turns a consumed key or value (never null) into its JSON form; throws to fail the read with 40801. */
  DecodedValue decode(String topic, boolean isKey, byte[] data);

  /** Whether {@link #decode} can wait on I/O (a Schema Registry look-up), so must not run on a caller's thread. */
  default boolean decodeMayWait() {
    return false;
  }
}
