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
import dev.kafkarest.kafka.GroupAdmin.Member;
import dev.kafkarest.security.AccessGuard;
import dev.kafkarest.security.Operation;
import dev.kafkarest.security.Resource;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.TopicPartition;

/** {@code /v3/clusters/{c}/consumer-groups}: groups, their consumers and the consumers' assignments. */
public final class ConsumerGroupsEndpoint implements Endpoint {
  private static final String GROUPS = "/v3/clusters/{cluster}/consumer-groups";
  private static final String GROUP = GROUPS + "/{group}";
  private static final String CONSUMER = GROUP + "/consumers/{consumer}";

  private final ClusterAdmin clusters;
  private final GroupAdmin groups;
  private final AccessGuard guard;
  private final GroupLookup lookup;

  public ConsumerGroupsEndpoint(ClusterAdmin clusters, GroupAdmin groups, AccessGuard guard) {
    this.clusters = clusters;
    this.groups = groups;
    this.guard = guard;
    this.lookup = new GroupLookup(clusters, groups, guard);
  }

  @Override
  public void routes(Router.Builder routes) {
    routes.add("GET", GROUPS, V3.NO_BODY, V3.ANSWER_JSON, (req, p) -> {
      String clusterId = p.get("cluster");
      return clusters.requireCluster(clusterId).thenCompose(ok -> groups.list()).thenApply(all -> V3.ok(
          V3.collection("KafkaConsumerGroup", V3.clusterUrl(req, clusterId, "consumer-groups"), all.stream()
              // like upstream, which skips groups Kafka does not let it describe
              .filter(g -> guard.allows(req, Operation.DESCRIBE, Resource.group(g.id())))
              .map(g -> group(req, clusterId, g))
              .toList())));
    });
    routes.add("GET", GROUP, V3.NO_BODY, V3.ANSWER_JSON, (req, p) ->
        lookup.require(req, p, "HTTP 404 Not Found").thenApply(g -> V3.ok(group(req, p.get("cluster"), g))));
    routes.add("GET", GROUP + "/consumers", V3.NO_BODY, V3.ANSWER_JSON, (req, p) -> {
      String clusterId = p.get("cluster");
      return withConsumers(req, p).thenApply(g -> V3.ok(V3.collection("KafkaConsumer",
          V3.clusterUrl(req, clusterId, "consumer-groups", g.id(), "consumers"),
          g.members().stream().map(m -> consumer(req, clusterId, g.id(), m)).toList())));
    });
    routes.add("GET", CONSUMER, V3.NO_BODY, V3.ANSWER_JSON, (req, p) -> withConsumers(req, p)
        .thenApply(g -> V3.ok(consumer(req, p.get("cluster"), g.id(), g.member(p.get("consumer"))
            .orElseThrow(Errors::notFound)))));
    routes.add("GET", CONSUMER + "/assignments", V3.NO_BODY, V3.ANSWER_JSON, (req, p) -> {
      String clusterId = p.get("cluster");
      return member(req, p).thenApply(m -> V3.ok(V3.collection("KafkaConsumerAssignment",
          V3.clusterUrl(req, clusterId, "consumer-groups", p.get("group"), "consumers", m.consumerId(),
              "assignments"),
          m.assignment().stream().map(tp -> assignment(req, clusterId, p.get("group"), m, tp)).toList())));
    });
    routes.add("GET", CONSUMER + "/assignments/{topic}/partitions/{partition}", V3.NO_BODY, V3.ANSWER_JSON,
        (req, p) -> {
          TopicPartition wanted = new TopicPartition(p.get("topic"), p.getInt("partition"));
          return member(req, p).thenApply(m -> {
            if (!m.assignment().contains(wanted)) {
              throw Errors.notFound();
            }
            return V3.ok(assignment(req, p.get("cluster"), p.get("group"), m, wanted));
          });
        });
  }

  private CompletionStage<Group> withConsumers(RestRequest req, PathParams p) {
    return lookup.require(req, p, "Consumer Group " + Errors.quote(p.get("group")) + " does not exist.");
  }

  private CompletionStage<Member> member(RestRequest req, PathParams p) {
    String consumerId = p.get("consumer");
    return withConsumers(req, p).thenApply(g -> g.member(consumerId).orElseThrow(() -> new RestException(
        Errors.NOT_FOUND, Errors.NOT_FOUND, "Consumer " + Errors.quote(consumerId) + " does not exist.")));
  }

  private static ObjectNode group(RestRequest req, String clusterId, Group g) {
    String self = V3.clusterUrl(req, clusterId, "consumer-groups", g.id());
    ObjectNode node = V3.resource("KafkaConsumerGroup", self, V3.crn(clusterId, "consumer-group", g.id()))
        .put("cluster_id", clusterId)
        .put("consumer_group_id", g.id())
        .put("is_simple", g.simple())
        .put("partition_assignor", g.partitionAssignor())
        .put("state", g.state())
        .put("type", g.type())
        .put("is_mixed_consumer_group", g.mixed());
    if (g.coordinator() == null || g.coordinator().isEmpty()) {
      node.putNull("coordinator");
    } else {
      V3.related(node, "coordinator", V3.clusterUrl(req, clusterId, "brokers", g.coordinator().id()));
    }
    V3.related(node, "consumers", self + "/consumers");
    V3.related(node, "lag_summary", self + "/lag-summary");
    return node;
  }

  private static ObjectNode consumer(RestRequest req, String clusterId, String groupId, Member m) {
    String self = V3.clusterUrl(req, clusterId, "consumer-groups", groupId, "consumers", m.consumerId());
    ObjectNode node = V3.resource("KafkaConsumer", self,
            V3.crn(clusterId, "consumer-group", groupId, "consumer", m.consumerId()))
        .put("cluster_id", clusterId)
        .put("consumer_group_id", groupId)
        .put("consumer_id", m.consumerId())
        .put("instance_id", m.instanceId())
        .put("client_id", m.clientId());
    return V3.related(node, "assignments", self + "/assignments");
  }

  private static ObjectNode assignment(RestRequest req, String clusterId, String groupId, Member m,
                                       TopicPartition tp) {
    String self = V3.clusterUrl(req, clusterId, "consumer-groups", groupId, "consumers", m.consumerId(),
        "assignments", tp.topic(), "partitions", tp.partition());
    ObjectNode node = V3.resource("KafkaConsumerAssignment", self, V3.crn(clusterId, "consumer-group", groupId,
            "consumer", m.consumerId(), "assignment", tp.topic(), "partition", tp.partition()))
        .put("cluster_id", clusterId)
        .put("consumer_group_id", groupId)
        .put("consumer_id", m.consumerId())
        .put("topic_name", tp.topic())
        .put("partition_id", tp.partition());
    V3.related(node, "partition", V3.clusterUrl(req, clusterId, "topics", tp.topic(), "partitions", tp.partition()));
    return V3.related(node, "lag",
        V3.clusterUrl(req, clusterId, "consumer-groups", groupId, "lags", tp.topic(), "partitions", tp.partition()));
  }
}
