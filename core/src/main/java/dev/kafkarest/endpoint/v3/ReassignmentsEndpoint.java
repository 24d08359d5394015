package dev.kafkarest.endpoint.v3;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.PartitionReassignment;
import org.apache.kafka.common.TopicPartition;

/** Ongoing partition reassignments: all of them, a topic's, or one partition's (404 when it has none). */
public final class ReassignmentsEndpoint implements Endpoint {
  private final ClusterAdmin clusters;
  private final TopicAdmin topics;
  private final AccessGuard guard;

  public ReassignmentsEndpoint(ClusterAdmin clusters, TopicAdmin topics, AccessGuard guard) {
    this.clusters = clusters;
    this.topics = topics;
    this.guard = guard;
  }

  @Override
  public void routes(Router.Builder routes) {
    routes.add("GET", "/v3/clusters/{cluster}/topics/-/partitions/-/reassignment", V3.NO_BODY, V3.ANSWER_JSON,
        (req, p) -> {
          guard.require(req, Operation.DESCRIBE, Resource.CLUSTER);
          return list(req, p, "topics", "-", tp -> guard.allows(req, Operation.DESCRIBE, Resource.topic(tp.topic())));
        });
    routes.add("GET", "/v3/clusters/{cluster}/topics/{topic}/partitions/-/reassignment", V3.NO_BODY,
        V3.ANSWER_JSON, (req, p) -> {
          guard.require(req, Operation.DESCRIBE, Resource.topic(p.get("topic")));
          return list(req, p, "topics", p.get("topic"), tp -> tp.topic().equals(p.get("topic")));
        });
    routes.add("GET", "/v3/clusters/{cluster}/topics/{topic}/partitions/{partition}/reassignment", V3.NO_BODY,
        V3.ANSWER_JSON, (req, p) -> {
          guard.require(req, Operation.DESCRIBE, Resource.topic(p.get("topic")));
          TopicPartition wanted = new TopicPartition(p.get("topic"), p.getInt("partition"));
          return clusters.requireCluster(p.get("cluster"))
              .thenCompose(c -> topics.reassignments())
              .thenApply(all -> {
                PartitionReassignment r = all.get(wanted);
                if (r == null) {
                  throw new RestException(404, 404, "Reassignment for " + wanted + " cannot be found.");
                }
                return V3.ok(reassignment(req, p.get("cluster"), wanted, r));
              });
        });
  }

  private java.util.concurrent.CompletionStage<dev.kafkarest.http.RestResponse> list(
      RestRequest req, PathParams p, String topicsSegment, String topic, Predicate<TopicPartition> keep) {
    String clusterId = p.get("cluster");
    return clusters.requireCluster(clusterId)
        .thenCompose(c -> topics.reassignments())
        .thenApply(all -> {
          List<ObjectNode> data = all.entrySet().stream()
              .filter(e -> keep.test(e.getKey()))
              .sorted(Comparator.comparing((Map.Entry<TopicPartition, PartitionReassignment> e) -> e.getKey().topic())
                  .thenComparingInt(e -> e.getKey().partition()))
              .map(e -> reassignment(req, clusterId, e.getKey(), e.getValue()))
              .toList();
          return V3.ok(V3.collection("KafkaReassignment",
              V3.clusterUrl(req, clusterId, topicsSegment, topic, "partitions", "-", "reassignment"), data));
        });
  }

  private static ObjectNode reassignment(RestRequest req, String clusterId, TopicPartition tp,
                                         PartitionReassignment r) {
    String partition = V3.clusterUrl(req, clusterId, "topics", tp.topic(), "partitions", tp.partition());
    ObjectNode node = V3.resource("KafkaReassignment", partition + "/reassignment",
            V3.crn(clusterId, "topic", tp.topic(), "partition", tp.partition()) + "/reassignment")
        .put("cluster_id", clusterId)
        .put("topic_name", tp.topic())
        .put("partition_id", tp.partition());
    ArrayNode adding = node.putArray("adding_replicas");
    r.addingReplicas().forEach(adding::add);
    ArrayNode removing = node.putArray("removing_replicas");
    r.removingReplicas().forEach(removing::add);
    return V3.related(node, "replicas", partition + "/replicas");
  }
}
