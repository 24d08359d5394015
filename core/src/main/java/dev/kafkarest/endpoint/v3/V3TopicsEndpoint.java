package dev.kafkarest.endpoint.v3;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kafkarest.endpoint.JsonBody;
import dev.kafkarest.error.Errors;
import dev.kafkarest.error.RestException;
import dev.kafkarest.http.Endpoint;
import dev.kafkarest.http.Json;
import dev.kafkarest.http.MediaTypes;
import dev.kafkarest.http.RestRequest;
import dev.kafkarest.http.RestResponse;
import dev.kafkarest.http.Router;
import dev.kafkarest.kafka.ClusterAdmin;
import dev.kafkarest.kafka.TopicAdmin;
import dev.kafkarest.security.AccessGuard;
import dev.kafkarest.security.Operation;
import dev.kafkarest.security.Resource;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.acl.AclOperation;

/** {@code /v3/clusters/{c}/topics}: list, create, get, grow the partition count, delete. */
public final class V3TopicsEndpoint implements Endpoint {
  private static final Set<String> CREATE_FIELDS = Set.of("topic_name", "partitions_count", "replication_factor",
      "replicas_assignments", "configs", "validate_only");
  private static final Set<String> CONFIG_FIELDS = Set.of("name", "value");

  private final ClusterAdmin clusters;
  private final TopicAdmin topics;
  private final AccessGuard guard;

  public V3TopicsEndpoint(ClusterAdmin clusters, TopicAdmin topics, AccessGuard guard) {
    this.clusters = clusters;
    this.topics = topics;
    this.guard = guard;
  }

  @Override
  public void routes(Router.Builder routes) {
    String topicsPath = "/v3/clusters/{cluster}/topics";
    routes.add("GET", topicsPath, V3.NO_BODY, V3.ANSWER_JSON, (req, p) -> list(req, p.get("cluster")));
    routes.add("POST", topicsPath, V3.READ_JSON, V3.ANSWER_JSON, (req, p) -> create(req, p.get("cluster")));
    routes.add("GET", topicsPath + "/{topic}", V3.NO_BODY, V3.ANSWER_JSON, (req, p) -> {
      guard.require(req, Operation.DESCRIBE, Resource.topic(p.get("topic")));
      return get(req, p.get("cluster"), p.get("topic"), flag(req, "include_authorized_operations"))
          .thenApply(V3::ok);
    });
    routes.add("PATCH", topicsPath + "/{topic}", V3.READ_JSON, V3.ANSWER_JSON, (req, p) -> {
      guard.require(req, Operation.ALTER, Resource.topic(p.get("topic")));
      int count = partitionsCount(req);
      return clusters.requireCluster(p.get("cluster"))
          .thenCompose(c -> topics.increasePartitions(p.get("topic"), count))
          .thenCompose(done -> get(req, p.get("cluster"), p.get("topic"), false))
          // the metadata a describe reads can lag the CreatePartitions that just succeeded
          .thenApply(topic -> V3.ok(topic.get("partitions_count").asInt() < count
              ? topic.put("partitions_count", count) : topic));
    });
    routes.add("DELETE", topicsPath + "/{topic}", V3.NO_BODY, V3.ANSWER_JSON, (req, p) -> {
      guard.require(req, Operation.DELETE, Resource.topic(p.get("topic")));
      return clusters.requireCluster(p.get("cluster"))
          .thenCompose(c -> topics.delete(p.get("topic")))
          .thenApply(done -> V3.noContent());
    });
  }

  /** Every non-internal topic the caller may describe, sorted by name. The camelCase query name is upstream's. */
  private CompletionStage<RestResponse> list(RestRequest req, String clusterId) {
    boolean operations = flag(req, "includeAuthorizedOperations");
    return clusters.requireCluster(clusterId)
        .thenCompose(c -> topics.names())
        .thenCompose(names -> {
          List<String> visible = new ArrayList<>(names);
          visible.removeIf(name -> !guard.allows(req, Operation.DESCRIBE, Resource.topic(name)));
          return topics.describe(visible, operations).thenApply(described -> {
            List<ObjectNode> data = new ArrayList<>();
            visible.forEach(name -> data.add(topic(req, clusterId, described.get(name), operations)));
            return V3.ok(V3.collection("KafkaTopic", V3.clusterUrl(req, clusterId, "topics"), data));
          });
        });
  }

  private CompletionStage<ObjectNode> get(RestRequest req, String clusterId, String name, boolean operations) {
    return clusters.requireCluster(clusterId)
        .thenCompose(c -> topics.describe(List.of(name), operations))
        .thenApply(described -> topic(req, clusterId, described.get(name), operations));
  }

  private CompletionStage<RestResponse> create(RestRequest req, String clusterId) throws Exception {
    JsonBody body = JsonBody.read(req, CREATE_FIELDS);
    if (body == null) {
      throw Errors.unprocessable("Payload error. Request body is empty. Data is required.");
    }
    String name = body.text("topic_name");
    if (name == null) {
      throw Errors.badRequest("topic_name is required.");
    }
    if (!TopicNames.isValid(name)) {
      throw new RestException(422, 42206, "Payload error. Invalid topic name.");
    }
    guard.require(req, Operation.CREATE, Resource.topic(name));
    Optional<Integer> partitions = Optional.ofNullable(body.integer("partitions_count"));
    Integer factor = body.integer("replication_factor");
    if (factor != null && (factor < 1 || factor > Short.MAX_VALUE)) {
      throw Errors.badRequest("replication_factor must be between 1 and " + Short.MAX_VALUE + ".");
    }
    Map<Integer, List<Integer>> assignments = assignments(body.raw("replicas_assignments"));
    Map<String, String> configs = new LinkedHashMap<>();
    List<JsonBody> entries = body.objects("configs", CONFIG_FIELDS);
    if (entries != null) {
      for (JsonBody entry : entries) {
        configs.put(entry.requiredText("name"), entry.text("value"));
      }
    }
    boolean validateOnly = Boolean.TRUE.equals(body.bool("validate_only"));
    return clusters.requireCluster(clusterId)
        .thenCompose(c -> topics.create(name, partitions, Optional.ofNullable(factor).map(Integer::shortValue),
            assignments, configs, validateOnly))
        .thenApply(created -> {
          String self = V3.clusterUrl(req, clusterId, "topics", name);
          ObjectNode node = topicNode(req, clusterId, name, false, created.replicationFactor(),
              created.partitions());
          if (validateOnly) {
            return V3.ok(node);
          }
          RestResponse answer = Json.response(201, MediaTypes.JSON, node);
          Map<String, List<String>> headers = new LinkedHashMap<>(answer.headers());
          headers.put("Location", List.of(self));
          return new RestResponse(201, headers, answer.body());
        });
  }

  /** {@code {"<partition>": [broker ids]}}; partitions must be 0..n-1 with replicas, as Kafka requires. */
  private static Map<Integer, List<Integer>> assignments(JsonNode json) {
    Map<Integer, List<Integer>> assignments = new LinkedHashMap<>();
    if (json == null) {
      return assignments;
    }
    if (!json.isObject()) {
      throw Errors.badRequest("replicas_assignments must be an object of partition ids to broker ids.");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = json.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      int partition;
      try {
        partition = Integer.parseInt(entry.getKey());
      } catch (NumberFormatException e) {
        throw Errors.badRequest("replicas_assignments: " + Errors.quote(entry.getKey()) + " is not a partition id.");
      }
      if (!entry.getValue().isArray() || entry.getValue().isEmpty()) {
        throw Errors.badRequest("replicas_assignments: partition " + partition + " needs an array of broker ids.");
      }
      List<Integer> brokers = new ArrayList<>();
      for (JsonNode broker : entry.getValue()) {
        if (!broker.isInt()) {
          throw Errors.badRequest("replicas_assignments: broker ids are integers.");
        }
        brokers.add(broker.intValue());
      }
      assignments.put(partition, brokers);
    }
    return assignments;
  }

  private static int partitionsCount(RestRequest req) throws Exception {
    JsonBody body = JsonBody.read(req, Set.of("partitions_count"));
    if (body == null) {
      throw Errors.unprocessable("Payload error. Request body is empty. Data is required.");
    }
    Integer count = body.integer("partitions_count");
    if (count == null) {
      throw Errors.badRequest("partitions_count is required.");
    }
    return count;
  }

  private static boolean flag(RestRequest req, String name) {
    return req.queryParam(name).map(Boolean::parseBoolean).orElse(false);
  }

  static ObjectNode topic(RestRequest req, String clusterId, TopicDescription d, boolean operations) {
    int factor = d.partitions().isEmpty() ? 0 : d.partitions().get(0).replicas().size();
    ObjectNode node = topicNode(req, clusterId, d.name(), d.isInternal(), factor, d.partitions().size());
    if (operations) {
      ArrayNode list = node.putArray("authorized_operations");
      Set<AclOperation> allowed = d.authorizedOperations();
      if (allowed != null) {
        allowed.stream().map(AclOperation::name).sorted().forEach(list::add);
      }
    }
    return node;
  }

  private static ObjectNode topicNode(RestRequest req, String clusterId, String name, boolean internal, int factor,
                                      int partitions) {
    String self = V3.clusterUrl(req, clusterId, "topics", name);
    ObjectNode node = V3.resource("KafkaTopic", self, V3.crn(clusterId, "topic", name))
        .put("cluster_id", clusterId)
        .put("topic_name", name)
        .put("is_internal", internal)
        .put("replication_factor", factor)
        .put("partitions_count", partitions);
    V3.related(node, "partitions", self + "/partitions");
    V3.related(node, "configs", self + "/configs");
    V3.related(node, "partition_reassignments", self + "/partitions/-/reassignment");
    return node;
  }
}
