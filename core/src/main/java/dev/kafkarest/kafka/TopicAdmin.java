package dev.kafkarest.kafka;

import dev.kafkarest.error.Errors;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.PartitionReassignment;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;

/** Topic and partition look-ups and topic administration: the Kafka calls v2 and v3 share, written once. */
public final class TopicAdmin {
  /** A partition's first and next offsets. */
  public record OffsetRange(long earliest, long latest) {}

  /** What a create answered (or, for validate_only, would have made); -1 where the broker did not say. */
  public record Created(String name, int partitions, int replicationFactor) {}

  private final Admin admin;

  public TopicAdmin(Admin admin) {
    this.admin = admin;
  }

  /** Names of the non-internal topics, sorted (Admin's defaults hide internal ones, as Confluent does). */
  public CompletionStage<List<String>> names() {
    return admin.listTopics().names().toCompletionStage().thenApply(names -> List.copyOf(new TreeSet<>(names)));
  }

  public CompletionStage<TopicDescription> describe(String topic) {
    return admin.describeTopics(Set.of(topic)).topicNameValues().get(topic).toCompletionStage();
  }

  /** Every named topic's description; with the operations the caller's principal may do when asked. */
  public CompletionStage<Map<String, TopicDescription>> describe(List<String> topics,
                                                                 boolean includeAuthorizedOperations) {
    return admin.describeTopics(topics,
            new DescribeTopicsOptions().includeAuthorizedOperations(includeAuthorizedOperations))
        .allTopicNames().toCompletionStage();
  }

  /** One partition of a topic; 404/40402 when the topic has no such partition. */
  public CompletionStage<TopicPartitionInfo> partition(String topic, int partition) {
    return describe(topic).thenApply(d -> d.partitions().stream()
        .filter(p -> p.partition() == partition)
        .findFirst()
        .orElseThrow(Errors::partitionNotFound));
  }

  public CompletionStage<OffsetRange> offsets(TopicPartition tp) {
    return offset(tp, OffsetSpec.earliest())
        .thenCombine(offset(tp, OffsetSpec.latest()), (e, l) -> new OffsetRange(e.offset(), l.offset()));
  }

  /** Each partition's offset for one spec; for a timestamp, -1 where no record is that late. */
  public CompletionStage<Map<TopicPartition, Long>> offsets(List<TopicPartition> partitions, OffsetSpec spec) {
    Map<TopicPartition, OffsetSpec> specs = new java.util.HashMap<>();
    partitions.forEach(tp -> specs.put(tp, spec));
    return admin.listOffsets(specs).all().toCompletionStage().thenApply(all -> {
      Map<TopicPartition, Long> offsets = new java.util.HashMap<>();
      all.forEach((tp, info) -> offsets.put(tp, info.offset()));
      return offsets;
    });
  }

  private CompletionStage<ListOffsetsResultInfo> offset(TopicPartition tp, OffsetSpec spec) {
    return admin.listOffsets(Map.of(tp, spec)).partitionResult(tp).toCompletionStage();
  }

  /**
   * Creates a topic. Replica assignments, when given, decide the partitions and the replication factor; otherwise
   * an absent count or factor takes the broker's default.
   */
  public CompletionStage<Created> create(String name, Optional<Integer> partitions, Optional<Short> replicationFactor,
                                         Map<Integer, List<Integer>> assignments, Map<String, String> configs,
                                         boolean validateOnly) {
    NewTopic topic = assignments.isEmpty()
        ? new NewTopic(name, partitions, replicationFactor)
        : new NewTopic(name, assignments);
    topic.configs(configs);
    CreateTopicsResult result = admin.createTopics(List.of(topic), new CreateTopicsOptions().validateOnly(validateOnly));
    return result.all().toCompletionStage().thenApply(done -> new Created(name,
        orElse(result.numPartitions(name).toCompletionStage(), partitions.orElse(assignments.size())),
        orElse(result.replicationFactor(name).toCompletionStage(), replicationFactor.map(Short::intValue)
            .orElse(assignments.isEmpty() ? 0 : assignments.values().iterator().next().size()))));
  }

  /** A value the broker may withhold (not authorized to describe configs): the fallback then. */
  private static int orElse(CompletionStage<Integer> value, int fallback) {
    try {
      Integer v = value.toCompletableFuture().getNow(null);
      return v == null ? fallback : v;
    } catch (RuntimeException e) {
      return fallback;
    }
  }

  /** Partition reassignments in progress. */
  public CompletionStage<Map<TopicPartition, PartitionReassignment>> reassignments() {
    return admin.listPartitionReassignments().reassignments().toCompletionStage();
  }

  public CompletionStage<Void> delete(String name) {
    return admin.deleteTopics(List.of(name)).all().toCompletionStage();
  }

  /** Raises the partition count; Kafka refuses a decrease (InvalidPartitionsException, 400/40002). */
  public CompletionStage<Void> increasePartitions(String name, int count) {
    return admin.createPartitions(Map.of(name, NewPartitions.increaseTo(count))).all().toCompletionStage();
  }
}
