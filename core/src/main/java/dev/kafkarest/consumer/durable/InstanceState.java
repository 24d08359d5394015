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
 * @param nodeUrl the writing node's externally reachable base URL of its mount ({@code consumer.instances.node.url}),
 *     where other nodes may forward the instance's requests; null when that node has none (or wrote an older record)
 */
public record InstanceState(ConsumerInstanceId id, ConsumerSettings settings, String principal,
                            Subscription subscription, long lastUsedMillis, String node, String nodeUrl) {

  /** A record of a node without a URL: its instance is never forwarded to, only taken over. */
  public InstanceState(ConsumerInstanceId id, ConsumerSettings settings, String principal,
                       Subscription subscription, long lastUsedMillis, String node) {
    this(id, settings, principal, subscription, lastUsedMillis, node, null);
  }

  public InstanceState withNode(String newNode, String newNodeUrl, long usedMillis) {
    return new InstanceState(id, settings, principal, subscription, usedMillis, newNode, newNodeUrl);
  }

  public InstanceState withSubscription(Subscription newSubscription, long usedMillis) {
    return new InstanceState(id, settings, principal, newSubscription, usedMillis, node, nodeUrl);
  }
}
