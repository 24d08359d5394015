package dev.kafkarest.endpoint;

import dev.kafkarest.http.Endpoint;
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
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;

/** {@code GET /topics} and {@code GET /topics/{topic}}. */
public final class TopicsEndpoint implements Endpoint {
  private final Admin admin;
  private final AccessGuard guard;

  public TopicsEndpoint(Admin admin, AccessGuard guard) {
    this.admin = admin;
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
    return admin.listTopics().names().toCompletionStage().thenApply(names -> {
      List<String> sorted = new ArrayList<>(names);
      sorted.removeIf(name -> !guard.allows(req, Operation.DESCRIBE, Resource.topic(name)));
      Collections.sort(sorted);
      return Json.response(200, dev.kafkarest.http.MediaTypes.V2, sorted);
    });
  }

  private CompletionStage<RestResponse> getTopic(String topic) {
    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    CompletionStage<TopicDescription> description = describe(admin, topic);
    return description.thenCompose(d -> admin.describeConfigs(Set.of(resource)).values().get(resource)
        .toCompletionStage()
        .thenApply(config -> Json.response(200, dev.kafkarest.http.MediaTypes.V2,
            new TopicInfo(topic, configs(config), PartitionInfo.of(d)))));
  }

  static CompletionStage<TopicDescription> describe(Admin admin, String topic) {
    return admin.describeTopics(Set.of(topic)).topicNameValues().get(topic).toCompletionStage();
  }

  private static Map<String, String> configs(Config config) {
    Map<String, String> values = new TreeMap<>();
    config.entries().forEach(e -> values.put(e.name(), e.value()));
    return new LinkedHashMap<>(values);
  }
}
