package dev.kafkarest.consumer;

import dev.kafkarest.format.DecodedValue;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * A record ready for the records answer: its key and value already decoded into their JSON forms, with the
 * timestamp and headers an instance created with {@code "record.metadata": true} answers too.
 */
public record ConsumedRecord(String topic, DecodedValue key, DecodedValue value, int partition, long offset,
                             long timestamp, String timestampType, Headers headers) {
  public ConsumedRecord(String topic, DecodedValue key, DecodedValue value, int partition, long offset) {
    this(topic, key, value, partition, offset, -1, "NO_TIMESTAMP_TYPE", new RecordHeaders());
  }
}
