package dev.kafkarest.security;

/** What a caller wants to do with a resource. */
public enum Operation {
  /** Read metadata: topic and partition descriptions, offsets, brokers. */
  DESCRIBE,
  /** Write records to a topic. */
  PRODUCE,
  /** Read records: use a consumer group, subscribe to or be assigned a topic. */
  CONSUME,
  /** Create a topic (v3), or ACLs on the cluster. */
  CREATE,
  /** Delete a topic, or ACLs on the cluster (v3). */
  DELETE,
  /** Change a topic's or a broker's configs, a topic's partition count, reassignments (v3). */
  ALTER
}
