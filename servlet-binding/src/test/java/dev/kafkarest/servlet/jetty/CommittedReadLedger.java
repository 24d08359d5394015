package dev.kafkarest.servlet.jetty;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * What a client read from one durable consumer instance, checked against the group's committed offsets as the
 * broker reports them between calls. The README's bound: a record comes again only if it was returned after the
 * last commit that landed. For a client that never seeks, commits only move forward (an older owner's commit is
 * fenced once a newer one joined the group, and a dead one sends none), so once the broker showed a committed offset
 * past a record, no node that took the instance over afterwards may return it. A node answers from the committed positions it read when it took the
 * instance over, or, for the milliseconds until its reader sees another node's claim, from the copy it had (README:
 * "may get answers from the old copy's buffer"): so a repeat is beyond the bound when it is behind the committed
 * offset seen before that node's previous request. The other direction is checked as well: the group never has a
 * committed offset past a record the client has not been given (that record would be skipped).
 */
final class CommittedReadLedger {
  private final Admin admin;
  private final String group;
  private final String topic;
  /** Per partition, the highest committed offset the broker has shown. */
  private final Map<Integer, Long> floor = new HashMap<>();
  /** Per node, the floor as it was before that node's latest request. */
  private final Map<String, Map<Integer, Long>> floorAtRequest = new HashMap<>();
  /** The floor that the answer to the request being sent must respect. */
  private Map<Integer, Long> bound = Map.of();
  /** Per partition, the highest offset returned. */
  private final Map<Integer, Long> maxSeen = new HashMap<>();
  /** Per record, the answer that returned it last; per partition, the latest answer that carried it. */
  private final Map<String, Integer> lastReturnedIn = new HashMap<>();
  private final Map<Integer, Integer> lastAnswerOf = new HashMap<>();
  private final List<String> answeredBy = new ArrayList<>();

  final Set<String> seen = new HashSet<>();
  final List<String> beyondBound = new ArrayList<>();
  final List<String> committedUnseen = new ArrayList<>();
  int duplicates;
  /** Repeats of a record that was not in the latest answer carrying its partition (allowed; reported). */
  int repeatsFromOlderAnswers;

  CommittedReadLedger(Admin admin, String group, String topic) {
    this.admin = admin;
    this.group = group;
    this.topic = topic;
  }

  /** Before each request that reaches {@code node}. */
  void sending(String node) {
    Map<Integer, Long> before = floorAtRequest.put(node, new HashMap<>(floor));
    bound = before == null ? new HashMap<>(floor) : before;
  }

  /** The answer to the request last sent: {@code node} returned {@code records}. */
  void took(String node, JsonNode records) {
    if (records.isEmpty()) {
      return;
    }
    int answer = answeredBy.size();
    answeredBy.add(node);
    for (JsonNode r : records) {
      int partition = r.get("partition").asInt();
      long offset = r.get("offset").asLong();
      String key = partition + ":" + offset;
      Integer previous = lastReturnedIn.put(key, answer);
      maxSeen.merge(partition, offset, Math::max);
      if (seen.add(key)) {
        continue;
      }
      duplicates++;
      if (!previous.equals(lastAnswerOf.get(partition))) {
        repeatsFromOlderAnswers++;
      }
      long committed = bound.getOrDefault(partition, -1L);
      if (offset < committed) {
        beyondBound.add(key + " again in answer " + answer + " on " + node + " (last returned in answer " + previous
            + " on " + answeredBy.get(previous) + "), though the group's committed offset " + committed
            + " had passed it");
      }
    }
    for (JsonNode r : records) {
      lastAnswerOf.put(r.get("partition").asInt(), answer);
    }
  }

  /** Asks the broker for the group's committed offsets (between calls). */
  void observeCommits() throws Exception {
    Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
        .partitionsToOffsetAndMetadata().get(15, TimeUnit.SECONDS);
    offsets.forEach((tp, om) -> {
      if (om == null || !tp.topic().equals(topic)) {
        return;
      }
      int partition = tp.partition();
      floor.merge(partition, om.offset(), Math::max);
      if (om.offset() > maxSeen.getOrDefault(partition, -1L) + 1) {
        committedUnseen.add(tp + " committed at " + om.offset() + ", the client was given up to "
            + maxSeen.get(partition));
      }
    });
  }

  int answers() {
    return answeredBy.size();
  }

  List<String> answeredBy() {
    return answeredBy;
  }
}
