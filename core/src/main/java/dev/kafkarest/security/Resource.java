package dev.kafkarest.security;

/** What an operation touches: the cluster, a topic, a topic pattern (subscriptions by regex) or a consumer group. */
public record Resource(Type type, String name) {
  public enum Type { CLUSTER, TOPIC, TOPIC_PATTERN, GROUP }

  public static final Resource CLUSTER = new Resource(Type.CLUSTER, "kafka-cluster");

  public static Resource topic(String name) {
    return new Resource(Type.TOPIC, name);
  }

  public static Resource topicPattern(String regex) {
    return new Resource(Type.TOPIC_PATTERN, regex);
  }

  public static Resource group(String name) {
    return new Resource(Type.GROUP, name);
  }
}
