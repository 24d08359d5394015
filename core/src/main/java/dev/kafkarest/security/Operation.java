package dev.kafkarest.security;

/** What a caller wants to do with a resource. */
public enum Operation {
  /** Read metadata: topic and partition descriptions, offsets, brokers. */
  DESCRIBE,
  /** Write records to a topic. */
  PRODUCE,
  /** Read records: use a consumer group, subscribe to or be assigned a topic. */
  CONSUME
}
