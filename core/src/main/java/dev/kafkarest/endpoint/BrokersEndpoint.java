package dev.kafkarest.endpoint;

import dev.kafkarest.http.Endpoint;
import dev.kafkarest.http.Json;
import dev.kafkarest.http.MediaTypes;
import dev.kafkarest.http.Router;
import java.util.Map;
import org.apache.kafka.common.Node;

/** {@code GET /brokers}: the ids of the cluster's brokers. */
public final class BrokersEndpoint implements Endpoint {
  private final org.apache.kafka.clients.admin.Admin admin;

  public BrokersEndpoint(org.apache.kafka.clients.admin.Admin admin) {
    this.admin = admin;
  }

  @Override
  public void routes(Router.Builder routes) {
    routes.add("GET", "/brokers", V2Types.NO_BODY, V2Types.ANSWER_V2,
        (req, p) -> admin.describeCluster().nodes().toCompletionStage()
            .thenApply(nodes -> Json.response(200, MediaTypes.V2,
                Map.of("brokers", nodes.stream().map(Node::id).sorted().toList()))));
  }
}
