package dev.kafkarest.kafka;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.GroupIdNotFoundException;

/** Consumer groups: their descriptions, members, committed offsets and lag (the Kafka side of v3 consumer-groups). */
public final class GroupAdmin {
  /** A group as v3 shows it; {@code state} and {@code type} are upstream's upper-case names. */
  public record Group(String id, boolean simple, String partitionAssignor, String state, String type, boolean mixed,
                      Node coordinator, List<Member> members) {
    public Optional<Member> member(String consumerId) {
      return members.stream().filter(m -> m.consumerId().equals(consumerId)).findFirst();
    }
  }

  /** A member; {@code instanceId} (group.instance.id) may be null. Assignments sorted by topic, then partition. */
  public record Member(String consumerId, String instanceId, String clientId, List<TopicPartition> assignment) {}

  /**
   * One partition's lag. A partition with a committed offset but no owner has consumer and client id "" (as
   * upstream) and a null instance id.
   */
  public record Lag(String topic, int partition, String consumerId, String instanceId, String clientId,
                    long currentOffset, long logEndOffset) {
    /** Never negative, as upstream: a committed offset beyond the end counts as caught up. */
    public long lag() {
      return Math.max(0, logEndOffset - currentOffset);
    }
  }

  /** Lag descending, then topic, then partition: upstream's order. */
  public static final Comparator<Lag> LAG_ORDER = Comparator.comparingLong(Lag::lag).reversed()
      .thenComparing(Lag::topic)
      .thenComparingInt(Lag::partition);

  private static final Comparator<TopicPartition> PARTITION_ORDER =
      Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition);

  private final Admin admin;

  public GroupAdmin(Admin admin) {
    this.admin = admin;
  }

  /** Every consumer group the caller may describe, sorted by id; groups that vanish meanwhile are left out. */
  @SuppressWarnings("deprecation") // listConsumerGroups: deprecated in 4.x for listGroups, which 3.7 lacks
  public CompletionStage<List<Group>> list() {
    return admin.listConsumerGroups().valid().toCompletionStage()
        .thenCompose(listings -> describe(listings.stream().map(ConsumerGroupListing::groupId).sorted().toList()));
  }

  /** The group, or empty when Kafka does not know it (or the caller may not describe it), as upstream. */
  public CompletionStage<Optional<Group>> describe(String groupId) {
    return describe(List.of(groupId)).thenApply(groups -> groups.stream().findFirst());
  }

  private CompletionStage<List<Group>> describe(List<String> groupIds) {
    if (groupIds.isEmpty()) {
      return CompletableFuture.completedFuture(List.of());
    }
    Map<String, KafkaFuture<ConsumerGroupDescription>> described =
        admin.describeConsumerGroups(groupIds).describedGroups();
    List<CompletableFuture<Optional<Group>>> each = groupIds.stream()
        .map(id -> described.get(id).toCompletionStage().toCompletableFuture()
            .handle((d, failure) -> failure == null ? existing(d) : skipped(failure)))
        .toList();
    return CompletableFuture.allOf(each.toArray(CompletableFuture[]::new))
        .thenApply(done -> each.stream().map(CompletableFuture::join).flatMap(Optional::stream).toList());
  }

  /** Classic-protocol brokers describe an unknown group as a simple, DEAD one. */
  private static Optional<Group> existing(ConsumerGroupDescription d) {
    String state = GroupDescriptions.state(d);
    if (d.isSimpleConsumerGroup() && state.equals("DEAD")) {
      return Optional.empty();
    }
    List<Member> members = d.members().stream().map(GroupAdmin::member)
        .sorted(Comparator.comparing(Member::consumerId)).toList();
    return Optional.of(new Group(d.groupId(), d.isSimpleConsumerGroup(), d.partitionAssignor(), state,
        GroupDescriptions.type(d), GroupDescriptions.mixed(d), d.coordinator(), members));
  }

  private static Member member(MemberDescription m) {
    List<TopicPartition> assigned = m.assignment() == null ? List.of()
        : m.assignment().topicPartitions().stream().sorted(PARTITION_ORDER).toList();
    return new Member(m.consumerId(), m.groupInstanceId().orElse(null), m.clientId(), assigned);
  }

  private static Optional<Group> skipped(Throwable failure) {
    Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    if (cause instanceof GroupIdNotFoundException || cause instanceof GroupAuthorizationException) {
      return Optional.empty();
    }
    throw new CompletionException(cause);
  }

  /**
   * The lag of every partition in {@code committed} (the group's {@link #committedOffsets}), in {@link #LAG_ORDER}.
   * Log end offsets are read with READ_COMMITTED isolation, as upstream, so open transactions do not count as lag.
   */
  public CompletionStage<List<Lag>> lags(Group group, Map<TopicPartition, Long> committed) {
    return endOffsets(committed.keySet()).thenApply(ends -> lags(group, committed, ends));
  }

  private static List<Lag> lags(Group group, Map<TopicPartition, Long> committed, Map<TopicPartition, Long> ends) {
    Map<TopicPartition, Member> owners = new HashMap<>();
    group.members().forEach(m -> m.assignment().forEach(tp -> owners.put(tp, m)));
    List<Lag> lags = new ArrayList<>();
    committed.forEach((tp, current) -> {
      Long end = ends.get(tp);
      if (end == null) {
        return; // upstream leaves out a partition whose end it could not read
      }
      Member owner = owners.get(tp);
      lags.add(new Lag(tp.topic(), tp.partition(), owner == null ? "" : owner.consumerId(),
          owner == null ? null : owner.instanceId(), owner == null ? "" : owner.clientId(), current, end));
    });
    lags.sort(LAG_ORDER);
    return lags;
  }

  /** The group's committed offsets; partitions listed without an offset are left out. */
  public CompletionStage<Map<TopicPartition, Long>> committedOffsets(String groupId) {
    return admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().toCompletionStage()
        .thenApply(offsets -> {
          Map<TopicPartition, Long> out = new HashMap<>();
          offsets.forEach((tp, o) -> {
            if (o != null) {
              out.put(tp, ((OffsetAndMetadata) o).offset());
            }
          });
          return out;
        });
  }

  private CompletionStage<Map<TopicPartition, Long>> endOffsets(Collection<TopicPartition> partitions) {
    if (partitions.isEmpty()) {
      return CompletableFuture.completedFuture(Map.of());
    }
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    partitions.forEach(tp -> latest.put(tp, OffsetSpec.latest()));
    return admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all().toCompletionStage()
        .thenApply(result -> {
          Map<TopicPartition, Long> out = new HashMap<>();
          result.forEach((tp, info) -> out.put(tp, ((ListOffsetsResultInfo) info).offset()));
          return out;
        });
  }
}
