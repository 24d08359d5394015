package dev.kafkarest.endpoint.v3;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kafkarest.endpoint.JsonBody;
import dev.kafkarest.error.Errors;
import dev.kafkarest.error.RestException;
import dev.kafkarest.http.Endpoint;
import dev.kafkarest.http.PathParams;
import dev.kafkarest.http.RestRequest;
import dev.kafkarest.http.RestResponse;
import dev.kafkarest.http.Router;
import dev.kafkarest.kafka.ClusterAdmin;
import dev.kafkarest.kafka.ConfigAdmin;
import dev.kafkarest.kafka.TopicAdmin;
import dev.kafkarest.security.AccessGuard;
import dev.kafkarest.security.Operation;
import dev.kafkarest.security.Resource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;

/**
 * Configs of one kind of resource (a topic, a broker, or the cluster-wide broker defaults): list, get, set
 * (PUT), reset (DELETE) and {@code :alter} in a batch. The three differ only in their {@link Scope}.
 */
public final class ConfigsEndpoint implements Endpoint {
  private static final Set<String> SOURCES = Set.of("DYNAMIC_CLUSTER_LINK_CONFIG", "DYNAMIC_TOPIC_CONFIG",
      "DYNAMIC_BROKER_LOGGER_CONFIG", "DYNAMIC_BROKER_CONFIG", "DYNAMIC_DEFAULT_BROKER_CONFIG",
      "STATIC_BROKER_CONFIG", "DEFAULT_CONFIG", "DYNAMIC_GROUP_CONFIG");

  /** What differs between topic, broker and cluster configs. */
  public enum Scope {
    TOPIC("/v3/clusters/{cluster}/topics/{topic}/configs", "KafkaTopicConfig"),
    BROKER("/v3/clusters/{cluster}/brokers/{broker}/configs", "KafkaBrokerConfig"),
    CLUSTER("/v3/clusters/{cluster}/broker-configs", "KafkaClusterConfig");

    final String path;
    final String kind;

    Scope(String path, String kind) {
      this.path = path;
      this.kind = kind;
    }

    ConfigResource resource(PathParams p) {
      return switch (this) {
        case TOPIC -> ConfigAdmin.topic(p.get("topic"));
        case BROKER -> ConfigAdmin.broker(Integer.toString(p.getInt("broker")));
        case CLUSTER -> ConfigAdmin.broker("");
      };
    }

    Resource guarded(PathParams p) {
      return this == TOPIC ? Resource.topic(p.get("topic")) : Resource.CLUSTER;
    }

    /** The URL of the list ({@code name} null) or of one config. */
    String url(RestRequest req, String clusterId, ConfigResource resource, String name) {
      List<Object> segments = new ArrayList<>(switch (this) {
        case TOPIC -> List.of("topics", resource.name(), "configs");
        case BROKER -> List.of("brokers", resource.name(), "configs");
        case CLUSTER -> List.of("broker-configs");
      });
      if (name != null) {
        segments.add(name);
      }
      return V3.clusterUrl(req, clusterId, segments.toArray());
    }

    String crn(String clusterId, ConfigResource resource, String name) {
      return switch (this) {
        case TOPIC -> V3.crn(clusterId, "topic", resource.name(), "config", name);
        case BROKER -> V3.crn(clusterId, "broker", resource.name(), "config", name);
        case CLUSTER -> V3.crn(clusterId, "broker-config", name);
      };
    }

    void identify(ObjectNode node, ConfigResource resource) {
      switch (this) {
        case TOPIC -> node.put("topic_name", resource.name());
        case BROKER -> node.put("broker_id", Integer.parseInt(resource.name()));
        case CLUSTER -> node.put("config_type", "BROKER");
      }
    }
  }

  private final Scope scope;
  private final ClusterAdmin clusters;
  private final ConfigAdmin configs;
  private final TopicAdmin topics;
  private final AccessGuard guard;

  public ConfigsEndpoint(Scope scope, ClusterAdmin clusters, ConfigAdmin configs, TopicAdmin topics,
                         AccessGuard guard) {
    this.scope = scope;
    this.clusters = clusters;
    this.configs = configs;
    this.topics = topics;
    this.guard = guard;
  }

  @Override
  public void routes(Router.Builder routes) {
    if (scope == Scope.TOPIC) {
      allTopicConfigs(routes);
    }
    routes.add("GET", scope.path, V3.NO_BODY, V3.ANSWER_JSON, (req, p) -> {
      ConfigResource resource = readable(req, p);
      return described(p, resource).thenApply(config -> V3.ok(V3.collection(scope.kind,
          scope.url(req, cluster(p), resource, null), entries(req, cluster(p), resource, config))));
    });
    routes.add("GET", scope.path + "/{name}", V3.NO_BODY, V3.ANSWER_JSON, (req, p) -> {
      ConfigResource resource = readable(req, p);
      String name = p.get("name");
      return described(p, resource).thenApply(config -> {
        ConfigEntry entry = config.get(name);
        if (entry == null) {
          throw new RestException(404, 404, "Config " + name + " cannot be found.");
        }
        return V3.ok(entry(req, cluster(p), resource, entry));
      });
    });
    routes.add("PUT", scope.path + "/{name}", V3.READ_JSON, V3.ANSWER_JSON, (req, p) -> {
      ConfigResource resource = writable(req, p);
      JsonBody body = required(req, Set.of("value"));
      AlterConfigOp set = new AlterConfigOp(new ConfigEntry(p.get("name"), body.text("value")),
          AlterConfigOp.OpType.SET);
      return alter(p, resource, List.of(set), false);
    });
    routes.add("DELETE", scope.path + "/{name}", V3.NO_BODY, V3.ANSWER_JSON, (req, p) -> {
      ConfigResource resource = writable(req, p);
      AlterConfigOp reset = new AlterConfigOp(new ConfigEntry(p.get("name"), null), AlterConfigOp.OpType.DELETE);
      return alter(p, resource, List.of(reset), false);
    });
    routes.add("POST", scope.path + ":alter", V3.READ_JSON, V3.ANSWER_JSON, (req, p) -> {
      ConfigResource resource = writable(req, p);
      JsonBody body = required(req, Set.of("data", "validate_only"));
      List<JsonBody> data = body.objects("data", Set.of("name", "value", "operation"));
      if (data == null) {
        throw Errors.badRequest("data is required.");
      }
      List<AlterConfigOp> ops = new ArrayList<>();
      for (JsonBody item : data) {
        ops.add(new AlterConfigOp(new ConfigEntry(item.requiredText("name"), item.text("value")),
            operation(item.text("operation"))));
      }
      return alter(p, resource, ops, Boolean.TRUE.equals(body.bool("validate_only")));
    });
  }

  /** {@code GET /v3/clusters/{c}/topics/-/configs}: every topic's configs, by topic then name. */
  private void allTopicConfigs(Router.Builder routes) {
    routes.add("GET", "/v3/clusters/{cluster}/topics/-/configs", V3.NO_BODY, V3.ANSWER_JSON, (req, p) -> {
      String clusterId = cluster(p);
      return clusters.requireCluster(clusterId)
          .thenCompose(c -> topics.names())
          .thenCompose(names -> configs.describe(names.stream()
              .filter(name -> guard.allows(req, Operation.DESCRIBE, Resource.topic(name)))
              .map(ConfigAdmin::topic).toList()))
          .thenApply(described -> {
            List<ObjectNode> data = new ArrayList<>();
            described.entrySet().stream()
                .sorted(Comparator.comparing(e -> e.getKey().name()))
                .forEach(e -> data.addAll(entries(req, clusterId, e.getKey(), e.getValue())));
            return V3.ok(V3.collection(scope.kind, V3.clusterUrl(req, clusterId, "topics", "-", "configs"), data));
          });
    });
  }

  private static String cluster(PathParams p) {
    return p.get("cluster");
  }

  private ConfigResource readable(RestRequest req, PathParams p) {
    guard.require(req, Operation.DESCRIBE, scope.guarded(p));
    return scope.resource(p);
  }

  private ConfigResource writable(RestRequest req, PathParams p) {
    guard.require(req, Operation.ALTER, scope.guarded(p));
    return scope.resource(p);
  }

  /** Configs of the resource once the cluster (and, for a topic, the topic itself) is known to exist. */
  private CompletionStage<Config> described(PathParams p, ConfigResource resource) {
    return clusters.requireCluster(cluster(p))
        .thenCompose(c -> exists(resource))
        .thenCompose(ok -> configs.describe(resource));
  }

  /** A missing topic is 404/40403 and a missing broker 404, not an empty or failed describe. */
  private CompletionStage<?> exists(ConfigResource resource) {
    if (scope == Scope.TOPIC) {
      return topics.describe(resource.name());
    }
    if (scope == Scope.BROKER) {
      int id = Integer.parseInt(resource.name());
      return clusters.brokers().thenApply(brokers -> {
        if (brokers.stream().noneMatch(b -> b.id() == id)) {
          throw ClustersEndpoint.brokerNotFound(id);
        }
        return brokers;
      });
    }
    return java.util.concurrent.CompletableFuture.completedFuture(null);
  }

  private CompletionStage<RestResponse> alter(PathParams p, ConfigResource resource, List<AlterConfigOp> ops,
                                              boolean validateOnly) {
    return clusters.requireCluster(cluster(p))
        .thenCompose(c -> exists(resource))
        .thenCompose(ok -> configs.alter(resource, ops, validateOnly))
        .thenApply(done -> V3.noContent());
  }

  private static JsonBody required(RestRequest req, Set<String> fields) throws java.io.IOException {
    JsonBody body = JsonBody.read(req, fields);
    if (body == null) {
      throw Errors.unprocessable("Payload error. Request body is empty. Data is required.");
    }
    return body;
  }

  private static AlterConfigOp.OpType operation(String name) {
    if (name == null || name.equalsIgnoreCase("SET")) {
      return AlterConfigOp.OpType.SET;
    }
    if (name.equalsIgnoreCase("DELETE")) {
      return AlterConfigOp.OpType.DELETE;
    }
    throw Errors.badRequest("operation must be SET or DELETE, not " + Errors.quote(name) + ".");
  }

  private List<ObjectNode> entries(RestRequest req, String clusterId, ConfigResource resource, Config config) {
    return config.entries().stream()
        .sorted(Comparator.comparing(ConfigEntry::name))
        .map(e -> entry(req, clusterId, resource, e))
        .toList();
  }

  private ObjectNode entry(RestRequest req, String clusterId, ConfigResource resource, ConfigEntry e) {
    ObjectNode node = V3.resource(scope.kind, scope.url(req, clusterId, resource, e.name()),
        scope.crn(clusterId, resource, e.name())).put("cluster_id", clusterId);
    scope.identify(node, resource);
    node.put("name", e.name())
        .put("value", e.isSensitive() ? null : e.value())
        .put("is_default", e.source() == ConfigEntry.ConfigSource.DEFAULT_CONFIG)
        .put("is_read_only", e.isReadOnly())
        .put("is_sensitive", e.isSensitive())
        .put("source", source(e.source()));
    ArrayNode synonyms = node.putArray("synonyms");
    for (ConfigEntry.ConfigSynonym s : e.synonyms()) {
      synonyms.addObject().put("name", s.name()).put("value", e.isSensitive() ? null : s.value())
          .put("source", source(s.source()));
    }
    return node;
  }

  private static String source(ConfigEntry.ConfigSource source) {
    String name = source == null ? "UNKNOWN" : source.name().toUpperCase(Locale.ROOT);
    return SOURCES.contains(name) ? name : "UNKNOWN";
  }
}
