package dev.kafkarest.endpoint;

import dev.kafkarest.http.Endpoint;
import dev.kafkarest.http.Json;
import dev.kafkarest.http.MediaTypes;
import dev.kafkarest.http.Router;
import dev.kafkarest.security.AccessGuard;
import dev.kafkarest.security.Operation;
import dev.kafkarest.security.Resource;
import java.util.Map;
import org.apache.kafka.common.Node;

/** {@code GET /brokers}: the ids of the cluster's brokers. */
public final class BrokersEndpoint implements Endpoint {
  private final org.apache.kafka.clients.admin.Admin admin;
  private final AccessGuard guard;

  public BrokersEndpoint(org.apache.kafka.clients.admin.Admin admin, AccessGuard guard) {
    this.admin = admin;
    this.guard = guard;
  }

  @Override
  public void routes(Router.Builder routes) {
    routes.add("GET", "/brokers", V2Types.NO_BODY, V2Types.ANSWER_V2,
        (req, p) -> {
          guard.require(req, Operation.DESCRIBE, Resource.CLUSTER);
          return admin.describeCluster().nodes().toCompletionStage()
              .thenApply(nodes -> Json.response(200, MediaTypes.V2,
                  Map.of("brokers", nodes.stream().map(Node::id).sorted().toList())));
        });
  }
}
