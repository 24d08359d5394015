package dev.kafkarest.consumer.durable;

import dev.kafkarest.consumer.ConsumerInstanceId;
import dev.kafkarest.consumer.ConsumerSettings;
import dev.kafkarest.consumer.Subscription;

/**
 * One record of the state topic: everything a node needs to rebuild a consumer instance (positions live in the
 * group's committed offsets), who may use it, when it was last used, and which node holds it.
 *
 * @param principal the caller that created it, or null when created anonymously
 * @param node the node that wrote the record; the latest record in log order names the owner
 */
public record InstanceState(ConsumerInstanceId id, ConsumerSettings settings, String principal,
                            Subscription subscription, long lastUsedMillis, String node) {

  public InstanceState withNode(String newNode, long usedMillis) {
    return new InstanceState(id, settings, principal, subscription, usedMillis, newNode);
  }

  public InstanceState withSubscription(Subscription newSubscription, long usedMillis) {
    return new InstanceState(id, settings, principal, newSubscription, usedMillis, node);
  }
}
