package dev.kafkarest.endpoint.v3;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kafkarest.error.RestException;
import dev.kafkarest.http.Endpoint;
import dev.kafkarest.http.RestRequest;
import dev.kafkarest.http.Router;
import dev.kafkarest.kafka.ClusterAdmin;
import dev.kafkarest.kafka.ClusterAdmin.Cluster;
import dev.kafkarest.security.AccessGuard;
import dev.kafkarest.security.Operation;
import dev.kafkarest.security.Resource;
import java.util.List;
import org.apache.kafka.common.Node;

/** {@code /v3/clusters} (the one cluster behind the proxy) and its brokers. */
public final class ClustersEndpoint implements Endpoint {
  private final ClusterAdmin clusters;
  private final AccessGuard guard;

  public ClustersEndpoint(ClusterAdmin clusters, AccessGuard guard) {
    this.clusters = clusters;
    this.guard = guard;
  }

  @Override
  public void routes(Router.Builder routes) {
    routes.add("GET", "/v3/clusters", V3.NO_BODY, V3.ANSWER_JSON, (req, p) -> {
      guard.require(req, Operation.DESCRIBE, Resource.CLUSTER);
      return clusters.describe().thenApply(c -> V3.ok(
          V3.collection("KafkaCluster", V3.url(req, "clusters"), List.of(cluster(req, c)))));
    });
    routes.add("GET", "/v3/clusters/{cluster}", V3.NO_BODY, V3.ANSWER_JSON, (req, p) -> {
      guard.require(req, Operation.DESCRIBE, Resource.CLUSTER);
      return described(p.get("cluster")).thenApply(c -> V3.ok(cluster(req, c)));
    });
    routes.add("GET", "/v3/clusters/{cluster}/brokers", V3.NO_BODY, V3.ANSWER_JSON, (req, p) -> {
      guard.require(req, Operation.DESCRIBE, Resource.CLUSTER);
      return described(p.get("cluster")).thenApply(c -> V3.ok(V3.collection("KafkaBroker",
          V3.clusterUrl(req, c.id(), "brokers"), c.brokers().stream().map(b -> broker(req, c.id(), b)).toList())));
    });
    routes.add("GET", "/v3/clusters/{cluster}/brokers/{broker}", V3.NO_BODY, V3.ANSWER_JSON, (req, p) -> {
      guard.require(req, Operation.DESCRIBE, Resource.CLUSTER);
      int id = p.getInt("broker");
      return described(p.get("cluster")).thenApply(c -> {
        Node broker = c.broker(id);
        if (broker == null) {
          throw brokerNotFound(id);
        }
        return V3.ok(broker(req, c.id(), broker));
      });
    });
  }

  static RestException brokerNotFound(int id) {
    return new RestException(404, 404, "Broker " + id + " cannot be found.");
  }

  /** The cluster, once its id is checked against the path's. */
  private java.util.concurrent.CompletionStage<Cluster> described(String clusterId) {
    return clusters.requireCluster(clusterId).thenCompose(ok -> clusters.describe());
  }

  private static ObjectNode cluster(RestRequest req, Cluster c) {
    String self = V3.clusterUrl(req, c.id());
    ObjectNode node = V3.resource("KafkaCluster", self, V3.crn(c.id())).put("cluster_id", c.id());
    if (c.controller() == null || c.controller().isEmpty()) {
      node.putNull("controller");
    } else {
      V3.related(node, "controller", V3.clusterUrl(req, c.id(), "brokers", c.controller().id()));
    }
    V3.related(node, "acls", self + "/acls");
    V3.related(node, "brokers", self + "/brokers");
    V3.related(node, "broker_configs", self + "/broker-configs");
    V3.related(node, "consumer_groups", self + "/consumer-groups");
    V3.related(node, "topics", self + "/topics");
    V3.related(node, "partition_reassignments", self + "/topics/-/partitions/-/reassignment");
    return node;
  }

  static ObjectNode broker(RestRequest req, String clusterId, Node b) {
    String self = V3.clusterUrl(req, clusterId, "brokers", b.id());
    ObjectNode node = V3.resource("KafkaBroker", self, V3.crn(clusterId, "broker", b.id()))
        .put("cluster_id", clusterId)
        .put("broker_id", b.id())
        .put("host", b.host())
        .put("port", b.port())
        .put("rack", b.rack());
    V3.related(node, "configs", self + "/configs");
    V3.related(node, "partition_replicas", self + "/partition-replicas");
    return node;
  }
}
