package dev.kafkarest.endpoint.v2;

import dev.kafkarest.http.Endpoint;
import dev.kafkarest.kafka.ConfigAdmin;
import dev.kafkarest.kafka.TopicAdmin;
import dev.kafkarest.http.RestRequest;
import dev.kafkarest.security.AccessGuard;
import dev.kafkarest.security.Operation;
import dev.kafkarest.security.Resource;
import dev.kafkarest.http.Json;
import dev.kafkarest.http.RestResponse;
import dev.kafkarest.http.Router;
import dev.kafkarest.model.PartitionInfo;
import dev.kafkarest.model.TopicInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.clients.admin.Config;

/** {@code GET /topics} and {@code GET /topics/{topic}}. */
public final class TopicsEndpoint implements Endpoint {
  private final TopicAdmin topics;
  private final ConfigAdmin configs;
  private final AccessGuard guard;

  public TopicsEndpoint(TopicAdmin topics, ConfigAdmin configs, AccessGuard guard) {
    this.topics = topics;
    this.configs = configs;
    this.guard = guard;
  }

  @Override
  public void routes(Router.Builder routes) {
    routes.add("GET", "/topics", V2Types.NO_BODY, V2Types.ANSWER_V2, (req, p) -> listTopics(req));
    routes.add("GET", "/topics/{topic}", V2Types.NO_BODY, V2Types.ANSWER_V2, (req, p) -> {
      guard.require(req, Operation.DESCRIBE, Resource.topic(p.get("topic")));
      return getTopic(p.get("topic"));
    });
  }

  /** Names of the non-internal topics the caller may see (Admin's defaults hide internal ones, as Confluent does). */
  private CompletionStage<RestResponse> listTopics(RestRequest req) {
    return topics.names().thenApply(names -> {
      List<String> visible = new ArrayList<>(names);
      visible.removeIf(name -> !guard.allows(req, Operation.DESCRIBE, Resource.topic(name)));
      return Json.response(200, dev.kafkarest.http.MediaTypes.V2, visible);
    });
  }

  private CompletionStage<RestResponse> getTopic(String topic) {
    return topics.describe(topic).thenCompose(d -> configs.describe(ConfigAdmin.topic(topic))
        .thenApply(config -> Json.response(200, dev.kafkarest.http.MediaTypes.V2,
            new TopicInfo(topic, configs(config), PartitionInfo.of(d)))));
  }

  private static Map<String, String> configs(Config config) {
    Map<String, String> values = new TreeMap<>();
    config.entries().forEach(e -> values.put(e.name(), e.value()));
    return new LinkedHashMap<>(values);
  }
}
