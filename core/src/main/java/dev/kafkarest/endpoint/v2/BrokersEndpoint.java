package dev.kafkarest.endpoint.v2;

import dev.kafkarest.http.Endpoint;
import dev.kafkarest.http.Json;
import dev.kafkarest.http.MediaTypes;
import dev.kafkarest.http.Router;
import dev.kafkarest.kafka.ClusterAdmin;
import dev.kafkarest.security.AccessGuard;
import dev.kafkarest.security.Operation;
import dev.kafkarest.security.Resource;
import java.util.Map;
import org.apache.kafka.common.Node;

/** {@code GET /brokers}: the ids of the cluster's brokers. */
public final class BrokersEndpoint implements Endpoint {
  private final ClusterAdmin clusters;
  private final AccessGuard guard;

  public BrokersEndpoint(ClusterAdmin clusters, AccessGuard guard) {
    this.clusters = clusters;
    this.guard = guard;
  }

  @Override
  public void routes(Router.Builder routes) {
    routes.add("GET", "/brokers", V2Types.NO_BODY, V2Types.ANSWER_V2,
        (req, p) -> {
          guard.require(req, Operation.DESCRIBE, Resource.CLUSTER);
          return clusters.brokers().thenApply(nodes -> Json.response(200, MediaTypes.V2,
              Map.of("brokers", nodes.stream().map(Node::id).toList())));
        });
  }
}
