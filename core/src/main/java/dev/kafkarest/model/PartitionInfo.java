package dev.kafkarest.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;

/** v2 partition metadata: {@code {"partition", "leader", "replicas": [{"broker", "leader", "in_sync"}]}}. */
public record PartitionInfo(int partition, int leader, List<Replica> replicas) {

  public record Replica(int broker, boolean leader, @JsonProperty("in_sync") boolean inSync) {}

  public static List<PartitionInfo> of(TopicDescription description) {
    return description.partitions().stream().map(PartitionInfo::of).toList();
  }

  public static PartitionInfo of(TopicPartitionInfo p) {
    int leader = p.leader() == null ? -1 : p.leader().id();
    List<Replica> replicas = p.replicas().stream()
        .map(n -> new Replica(n.id(), n.id() == leader, p.isr().stream().map(Node::id).anyMatch(id -> id == n.id())))
        .toList();
    return new PartitionInfo(p.partition(), leader, replicas);
  }
}
