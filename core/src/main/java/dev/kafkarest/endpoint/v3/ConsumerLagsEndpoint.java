package dev.kafkarest.endpoint.v3;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kafkarest.error.Errors;
import dev.kafkarest.error.RestException;
import dev.kafkarest.http.Endpoint;
import dev.kafkarest.http.PathParams;
import dev.kafkarest.http.RestRequest;
import dev.kafkarest.http.Router;
import dev.kafkarest.kafka.ClusterAdmin;
import dev.kafkarest.kafka.GroupAdmin;
import dev.kafkarest.kafka.GroupAdmin.Group;
import dev.kafkarest.kafka.GroupAdmin.Lag;
import dev.kafkarest.security.AccessGuard;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * {@code /v3/clusters/{c}/consumer-groups/{g}/lags} and {@code .../lag-summary}: how far a group is behind, for every
 * partition it has committed an offset for (upstream's ConsumerLagManager and ConsumerGroupLagSummaryManager).
 */
public final class ConsumerLagsEndpoint implements Endpoint {
  private static final String GROUP = "/v3/clusters/{cluster}/consumer-groups/{group}";

  private final GroupAdmin groups;
  private final GroupLookup lookup;

  public ConsumerLagsEndpoint(ClusterAdmin clusters, GroupAdmin groups, AccessGuard guard) {
    this.groups = groups;
    this.lookup = new GroupLookup(clusters, groups, guard);
  }

  @Override
  public void routes(Router.Builder routes) {
    routes.add("GET", GROUP + "/lags", V3.NO_BODY, V3.ANSWER_JSON, (req, p) -> {
      String clusterId = p.get("cluster");
      return lags(req, p).thenApply(lags -> {
        if (lags.isEmpty()) {
          throw new RestException(Errors.NOT_FOUND, Errors.NOT_FOUND, "Consumer lags not found.");
        }
        return V3.ok(V3.collection("KafkaConsumerLag",
            V3.clusterUrl(req, clusterId, "consumer-groups", p.get("group"), "lags"),
            lags.stream().map(l -> lag(req, clusterId, p.get("group"), l)).toList()));
      });
    });
    routes.add("GET", GROUP + "/lags/{topic}/partitions/{partition}", V3.NO_BODY, V3.ANSWER_JSON, (req, p) -> {
      String topic = p.get("topic");
      int partition = p.getInt("partition");
      return lags(req, p).thenApply(lags -> V3.ok(lag(req, p.get("cluster"), p.get("group"), lags.stream()
          .filter(l -> l.topic().equals(topic) && l.partition() == partition)
          .findFirst()
          .orElseThrow(Errors::notFound))));
    });
    routes.add("GET", GROUP + "/lag-summary", V3.NO_BODY, V3.ANSWER_JSON, (req, p) -> lags(req, p)
        .thenApply(lags -> {
          if (lags.isEmpty()) {
            throw Errors.notFound();
          }
          return V3.ok(summary(req, p.get("cluster"), p.get("group"), lags));
        }));
  }

  /** The group's lags in upstream's order; 404 when the group is unknown or has no committed offset. */
  private CompletionStage<List<Lag>> lags(RestRequest req, PathParams p) {
    return lookup.require(req, p, "Consumer Group " + Errors.quote(p.get("group")) + " could not be found.")
        .thenCompose(this::committedLags);
  }

  private CompletionStage<List<Lag>> committedLags(Group group) {
    return groups.committedOffsets(group.id()).thenCompose(offsets -> {
      if (offsets.isEmpty()) {
        throw new RestException(Errors.NOT_FOUND, Errors.NOT_FOUND, "Consumer group offsets could not be found.");
      }
      return groups.lags(group, offsets);
    });
  }

  private static ObjectNode lag(RestRequest req, String clusterId, String groupId, Lag l) {
    String self = V3.clusterUrl(req, clusterId, "consumer-groups", groupId, "lags", l.topic(), "partitions",
        l.partition());
    return V3.resource("KafkaConsumerLag", self,
            V3.crn(clusterId, "consumer-group", groupId, "lag", l.topic(), "partition", l.partition()))
        .put("cluster_id", clusterId)
        .put("consumer_group_id", groupId)
        .put("topic_name", l.topic())
        .put("partition_id", l.partition())
        .put("current_offset", l.currentOffset())
        .put("log_end_offset", l.logEndOffset())
        .put("lag", l.lag())
        .put("consumer_id", l.consumerId())
        .put("instance_id", l.instanceId())
        .put("client_id", l.clientId());
  }

  /** Max and total lag; the max is the first lag in upstream's order (ties: by topic, then partition). */
  private static ObjectNode summary(RestRequest req, String clusterId, String groupId, List<Lag> lags) {
    Lag max = lags.get(0);
    long total = lags.stream().mapToLong(Lag::lag).sum();
    String self = V3.clusterUrl(req, clusterId, "consumer-groups", groupId, "lag-summary");
    ObjectNode node = V3.resource("KafkaConsumerGroupLagSummary", self,
            V3.crn(clusterId, "consumer-group", groupId) + "/lag-summary")
        .put("cluster_id", clusterId)
        .put("consumer_group_id", groupId)
        .put("max_lag_consumer_id", max.consumerId())
        .put("max_lag_instance_id", max.instanceId())
        .put("max_lag_client_id", max.clientId())
        .put("max_lag_topic_name", max.topic())
        .put("max_lag_partition_id", max.partition())
        .put("max_lag", max.lag())
        .put("total_lag", total);
    V3.related(node, "max_lag_consumer",
        V3.clusterUrl(req, clusterId, "consumer-groups", groupId, "consumers", max.consumerId()));
    return V3.related(node, "max_lag_partition",
        V3.clusterUrl(req, clusterId, "topics", max.topic(), "partitions", max.partition()));
  }
}
