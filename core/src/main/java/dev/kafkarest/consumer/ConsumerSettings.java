package dev.kafkarest.consumer;

import dev.kafkarest.format.EmbeddedFormat;

/**
 * What a create-consumer request asked for, after validation.
 *
 * @param fetchMinBytes proxy-side minimum bytes before a read answers; {@code <= 0} means "any record"
 * @param requestTimeoutMs the instance's longest read wait, or null for the proxy default
 * @param recordMetadata whether records answers carry timestamp, timestamp_type and headers (an extension)
 * @param isolationLevel {@code read_committed} or {@code read_uncommitted}, or null for the consumer default
 */
public record ConsumerSettings(String name, EmbeddedFormat format, String autoOffsetReset, Boolean autoCommit,
                               int fetchMinBytes, Integer requestTimeoutMs, boolean recordMetadata,
                               String isolationLevel) {
  public ConsumerSettings(String name, EmbeddedFormat format, String autoOffsetReset, Boolean autoCommit,
                          int fetchMinBytes, Integer requestTimeoutMs) {
    this(name, format, autoOffsetReset, autoCommit, fetchMinBytes, requestTimeoutMs, false, null);
  }
}
