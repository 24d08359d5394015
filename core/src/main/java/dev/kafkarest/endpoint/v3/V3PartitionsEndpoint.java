package dev.kafkarest.endpoint.v3;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kafkarest.error.Errors;
import dev.kafkarest.error.RestException;
import dev.kafkarest.http.Endpoint;
import dev.kafkarest.http.PathParams;
import dev.kafkarest.http.RestRequest;
import dev.kafkarest.http.Router;
import dev.kafkarest.kafka.ClusterAdmin;
import dev.kafkarest.kafka.TopicAdmin;
import dev.kafkarest.security.AccessGuard;
import dev.kafkarest.security.Operation;
import dev.kafkarest.security.Resource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;

/** A topic's partitions, their earliest and latest offsets, their replicas, and a broker's replicas. */
public final class V3PartitionsEndpoint implements Endpoint {
  private static final String PARTITIONS = "/v3/clusters/{cluster}/topics/{topic}/partitions";

  private final ClusterAdmin clusters;
  private final TopicAdmin topics;
  private final AccessGuard guard;

  public V3PartitionsEndpoint(ClusterAdmin clusters, TopicAdmin topics, AccessGuard guard) {
    this.clusters = clusters;
    this.topics = topics;
    this.guard = guard;
  }

  @Override
  public void routes(Router.Builder routes) {
    routes.add("GET", PARTITIONS, V3.NO_BODY, V3.ANSWER_JSON, (req, p) -> described(req, p)
        .thenApply(d -> V3.ok(V3.collection("KafkaPartition", V3.clusterUrl(req, cluster(p), "topics", d.name(),
            "partitions"), d.partitions().stream().map(tp -> partition(req, cluster(p), d.name(), tp)).toList()))));
    routes.add("GET", PARTITIONS + "/{partition}", V3.NO_BODY, V3.ANSWER_JSON, (req, p) -> one(req, p)
        .thenApply(tp -> V3.ok(partition(req, cluster(p), p.get("topic"), tp))));
    routes.add("GET", PARTITIONS + "/{partition}/offset", V3.NO_BODY, V3.ANSWER_JSON, (req, p) -> {
      String type = req.queryParam("offset_type").orElse("earliest_and_latest");
      if (!type.equals("earliest_and_latest")) {
        throw Errors.badRequest("offset_type must be earliest_and_latest.");
      }
      return one(req, p)
          .thenCompose(tp -> topics.offsets(new TopicPartition(p.get("topic"), tp.partition())))
          .thenApply(range -> V3.ok(offsets(req, cluster(p), p.get("topic"), p.getInt("partition"), range)));
    });
    routes.add("GET", PARTITIONS + "/{partition}/replicas", V3.NO_BODY, V3.ANSWER_JSON, (req, p) -> one(req, p)
        .thenApply(tp -> V3.ok(V3.collection("KafkaReplica", V3.clusterUrl(req, cluster(p), "topics",
            p.get("topic"), "partitions", tp.partition(), "replicas"), replicas(req, cluster(p), p.get("topic"), tp)))));
    routes.add("GET", PARTITIONS + "/{partition}/replicas/{broker}", V3.NO_BODY, V3.ANSWER_JSON, (req, p) -> {
      int broker = p.getInt("broker");
      return one(req, p).thenApply(tp -> V3.ok(replicas(req, cluster(p), p.get("topic"), tp).stream()
          .filter(r -> r.get("broker_id").asInt() == broker)
          .findFirst()
          .orElseThrow(() -> new RestException(404, 404, "Replica " + broker + " cannot be found."))));
    });
    routes.add("GET", "/v3/clusters/{cluster}/brokers/{broker}/partition-replicas", V3.NO_BODY, V3.ANSWER_JSON,
        (req, p) -> brokerReplicas(req, cluster(p), p.getInt("broker")));
  }

  private static String cluster(PathParams p) {
    return p.get("cluster");
  }

  private CompletionStage<TopicDescription> described(RestRequest req, PathParams p) {
    guard.require(req, Operation.DESCRIBE, Resource.topic(p.get("topic")));
    return clusters.requireCluster(cluster(p)).thenCompose(c -> topics.describe(p.get("topic")));
  }

  private CompletionStage<TopicPartitionInfo> one(RestRequest req, PathParams p) {
    int partition = p.getInt("partition");
    guard.require(req, Operation.DESCRIBE, Resource.topic(p.get("topic")));
    return clusters.requireCluster(cluster(p)).thenCompose(c -> topics.partition(p.get("topic"), partition));
  }

  /** Every replica the broker holds, of the topics the caller may describe, by topic then partition. */
  private CompletionStage<dev.kafkarest.http.RestResponse> brokerReplicas(RestRequest req, String clusterId,
                                                                         int broker) {
    guard.require(req, Operation.DESCRIBE, Resource.CLUSTER);
    return clusters.requireCluster(clusterId)
        .thenCompose(c -> clusters.describe())
        .thenCompose(cluster -> {
          if (cluster.broker(broker) == null) {
            throw ClustersEndpoint.brokerNotFound(broker);
          }
          return topics.names();
        })
        .thenCompose(names -> {
          List<String> visible = new ArrayList<>(names);
          visible.removeIf(name -> !guard.allows(req, Operation.DESCRIBE, Resource.topic(name)));
          return topics.describe(visible, false);
        })
        .thenApply(described -> {
          List<ObjectNode> data = new ArrayList<>();
          described.keySet().stream().sorted().forEach(name -> described.get(name).partitions()
              .forEach(tp -> replicas(req, clusterId, name, tp).stream()
                  .filter(r -> r.get("broker_id").asInt() == broker)
                  .forEach(data::add)));
          return V3.ok(V3.collection("KafkaReplica",
              V3.clusterUrl(req, clusterId, "brokers", broker, "partition-replicas"), data));
        });
  }

  private static ObjectNode partition(RestRequest req, String clusterId, String topic, TopicPartitionInfo tp) {
    String self = V3.clusterUrl(req, clusterId, "topics", topic, "partitions", tp.partition());
    ObjectNode node = V3.resource("KafkaPartition", self,
            V3.crn(clusterId, "topic", topic, "partition", tp.partition()))
        .put("cluster_id", clusterId)
        .put("topic_name", topic)
        .put("partition_id", tp.partition());
    Node leader = tp.leader();
    if (leader == null || leader.isEmpty()) {
      node.putNull("leader");
    } else {
      V3.related(node, "leader", self + "/replicas/" + leader.id());
    }
    V3.related(node, "replicas", self + "/replicas");
    V3.related(node, "reassignment", self + "/reassignment");
    return node;
  }

  private static ObjectNode offsets(RestRequest req, String clusterId, String topic, int partition,
                                    TopicAdmin.OffsetRange range) {
    String self = V3.clusterUrl(req, clusterId, "topics", topic, "partitions", partition, "offset");
    return V3.resource("KafkaPartitionWithOffsets", self,
            V3.crn(clusterId, "topic", topic, "partition", partition, "offset_type", "earliest_and_latest"))
        .put("cluster_id", clusterId)
        .put("topic_name", topic)
        .put("partition_id", partition)
        .put("earliest_offset", range.earliest())
        .put("latest_offset", range.latest());
  }

  private static List<ObjectNode> replicas(RestRequest req, String clusterId, String topic, TopicPartitionInfo tp) {
    List<ObjectNode> replicas = new ArrayList<>();
    for (Node replica : tp.replicas()) {
      String self = V3.clusterUrl(req, clusterId, "topics", topic, "partitions", tp.partition(), "replicas",
          replica.id());
      ObjectNode node = V3.resource("KafkaReplica", self,
              V3.crn(clusterId, "topic", topic, "partition", tp.partition(), "replica", replica.id()))
          .put("cluster_id", clusterId)
          .put("topic_name", topic)
          .put("partition_id", tp.partition())
          .put("broker_id", replica.id())
          .put("is_leader", tp.leader() != null && tp.leader().id() == replica.id())
          .put("is_in_sync", tp.isr().stream().anyMatch(n -> n.id() == replica.id()));
      V3.related(node, "broker", V3.clusterUrl(req, clusterId, "brokers", replica.id()));
      replicas.add(node);
    }
    return replicas;
  }
}
