package dev.kafkarest.consumer;

import java.util.List;
import org.apache.kafka.common.TopicPartition;

/**
 * What an instance reads from: a topic list, a pattern, a manual assignment, or nothing. At most one of the three
 * is set. Kept by the instance so that a durable instance can be rebuilt on another node.
 */
public record Subscription(List<String> topics, String pattern, List<TopicPartition> partitions) {
  public static final Subscription NONE = new Subscription(null, null, null);

  public static Subscription topics(java.util.Collection<String> topics) {
    return topics.isEmpty() ? NONE : new Subscription(List.copyOf(topics), null, null);
  }

  public static Subscription pattern(String pattern) {
    return new Subscription(null, pattern, null);
  }

  public static Subscription partitions(java.util.Collection<TopicPartition> partitions) {
    return partitions.isEmpty() ? NONE : new Subscription(null, null, List.copyOf(partitions));
  }

  public boolean subscribed() {
    return topics != null || pattern != null;
  }
}
