package dev.kafkarest.endpoint.v3;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kafkarest.endpoint.JsonBody;
import dev.kafkarest.error.Errors;
import dev.kafkarest.error.RestException;
import dev.kafkarest.http.Endpoint;
import dev.kafkarest.http.Json;
import dev.kafkarest.http.RestRequest;
import dev.kafkarest.http.RestResponse;
import dev.kafkarest.http.Router;
import dev.kafkarest.kafka.AclAdmin;
import dev.kafkarest.kafka.ClusterAdmin;
import dev.kafkarest.security.AccessGuard;
import dev.kafkarest.security.Operation;
import dev.kafkarest.security.Resource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.acl.AclBinding;

/**
 * {@code /v3/clusters/{c}/acls} (search, create, delete by filter) and {@code /acls:batch} (create many), as
 * upstream's AclsResource and CreateAclBatchAction: DESCRIBE on the cluster to search, CREATE or DELETE to change.
 */
public final class AclsEndpoint implements Endpoint {
  private static final String ACLS = "/v3/clusters/{cluster}/acls";
  private static final Set<String> ACL_FIELDS =
      Set.of("resource_type", "resource_name", "pattern_type", "principal", "host", "operation", "permission");

  private final ClusterAdmin clusters;
  private final AclAdmin acls;
  private final AccessGuard guard;

  public AclsEndpoint(ClusterAdmin clusters, AclAdmin acls, AccessGuard guard) {
    this.clusters = clusters;
    this.acls = acls;
    this.guard = guard;
  }

  @Override
  public void routes(Router.Builder routes) {
    routes.add("GET", ACLS, V3.NO_BODY, V3.ANSWER_JSON, (req, p) -> {
      guard.require(req, Operation.DESCRIBE, Resource.CLUSTER);
      String clusterId = p.get("cluster");
      AclSpec filter = filter(req, false);
      return clusters.requireCluster(clusterId).thenCompose(ok -> acls.search(filter.filter()))
          .thenApply(found -> V3.ok(V3.collection("KafkaAcl", filter.url(req, clusterId), nodes(req, clusterId, found))));
    });
    routes.add("POST", ACLS, V3.READ_JSON, V3.ANSWER_JSON, (req, p) -> {
      guard.require(req, Operation.CREATE, Resource.CLUSTER);
      String clusterId = p.get("cluster");
      JsonBody body = JsonBody.read(req, ACL_FIELDS);
      if (body == null) {
        throw Errors.invalidPayload("Null input provided. Data is required.");
      }
      AclSpec acl = newAcl(body);
      return clusters.requireCluster(clusterId).thenCompose(ok -> acls.create(List.of(acl.binding())))
          .thenApply(done -> new RestResponse(201, Map.of("Location", List.of(acl.url(req, clusterId))), null));
    });
    routes.add("DELETE", ACLS, V3.NO_BODY, V3.ANSWER_JSON, (req, p) -> {
      guard.require(req, Operation.DELETE, Resource.CLUSTER);
      String clusterId = p.get("cluster");
      AclSpec filter = filter(req, true);
      return clusters.requireCluster(clusterId).thenCompose(ok -> acls.delete(filter.filter())).thenApply(deleted -> {
        // upstream answers {"data": [...]} here, without kind or metadata
        ObjectNode answer = Json.MAPPER.createObjectNode();
        ArrayNode data = answer.putArray("data");
        nodes(req, clusterId, deleted).forEach(data::add);
        return V3.ok(answer);
      });
    });
    routes.add("POST", ACLS + ":batch", V3.READ_JSON, V3.ANSWER_JSON, (req, p) -> {
      guard.require(req, Operation.CREATE, Resource.CLUSTER);
      String clusterId = p.get("cluster");
      JsonBody body = JsonBody.read(req, Set.of("data"));
      List<JsonBody> entries = body == null ? null : body.objects("data", ACL_FIELDS);
      if (entries == null) {
        throw Errors.invalidPayload("Null input provided. Data is required.");
      }
      List<AclBinding> bindings = new ArrayList<>();
      for (JsonBody entry : entries) {
        bindings.add(newAcl(entry).binding());
      }
      return clusters.requireCluster(clusterId)
          .thenCompose(ok -> bindings.isEmpty() ? CompletableFuture.<Void>completedFuture(null)
              : acls.create(bindings))
          .thenApply(done -> V3.noContent()); // upstream answers 204 here, not 201
    });
  }

  private static List<ObjectNode> nodes(RestRequest req, String clusterId, Collection<AclBinding> bindings) {
    return bindings.stream().map(AclSpec::of).sorted(AclSpec.ORDER).map(a -> a.node(req, clusterId)).toList();
  }

  /**
   * The search or delete filter of the query. Absent enums mean ANY, absent strings any value. A value outside the
   * enum answers 404, as JAX-RS does (and upstream's test asserts) for a query parameter it cannot convert.
   */
  private static AclSpec filter(RestRequest req, boolean forDelete) {
    String resourceType = queryEnum(req, AclEnum.RESOURCE_TYPE);
    if ((forDelete && req.queryParam("resource_type").isEmpty()) || resourceType.equals("UNKNOWN")) {
      // upstream refuses a DELETE without a resource type, so that an empty query cannot delete every ACL
      throw badRequest(forDelete ? "resource_type cannot be unspecified or UNKNOWN" : "resource_type cannot be ANY");
    }
    String patternType = queryEnum(req, AclEnum.PATTERN_TYPE);
    if (patternType.equals("UNKNOWN")) {
      throw badRequest("pattern_type cannot be UNKNOWN");
    }
    String operation = queryEnum(req, AclEnum.OPERATION);
    if (operation.equals("UNKNOWN")) {
      throw badRequest("operation cannot be ANY"); // sic: upstream's message
    }
    String permission = queryEnum(req, AclEnum.PERMISSION);
    if (permission.equals("UNKNOWN")) {
      throw badRequest("permission cannot be ANY"); // sic
    }
    return new AclSpec(resourceType, queryText(req, "resource_name"), patternType, queryText(req, "principal"),
        queryText(req, "host"), operation, permission);
  }

  private static String queryEnum(RestRequest req, AclEnum type) {
    String raw = req.queryParam(type.field()).orElse("ANY");
    return type.parse(raw).orElseThrow(() -> new RestException(Errors.NOT_FOUND, Errors.NOT_FOUND,
        "Invalid " + type.field() + " " + Errors.quote(raw) + ": expected one of " + type.values() + "."));
  }

  /** An empty value is no filter, as upstream. */
  private static String queryText(RestRequest req, String name) {
    return req.queryParam(name).filter(v -> !v.isEmpty()).orElse(null);
  }

  /** An ACL to create, with upstream's checks: every field present, no wildcard enum values, the cluster's name. */
  private static AclSpec newAcl(JsonBody body) {
    List<String> missing = new ArrayList<>();
    for (String field : List.of("resource_type", "resource_name", "pattern_type", "principal", "host", "operation",
        "permission")) {
      if (!body.has(field)) {
        missing.add(field);
      }
    }
    if (!missing.isEmpty()) {
      throw badRequest("Missing required properties: " + String.join(", ", missing));
    }
    String resourceType = bodyEnum(body, AclEnum.RESOURCE_TYPE);
    if (resourceType.equals("ANY") || resourceType.equals("UNKNOWN")) {
      throw badRequest("resource_type cannot be ANY");
    }
    String patternType = bodyEnum(body, AclEnum.PATTERN_TYPE);
    if (patternType.equals("ANY") || patternType.equals("MATCH") || patternType.equals("UNKNOWN")) {
      throw badRequest("pattern_type cannot be " + patternType);
    }
    String operation = bodyEnum(body, AclEnum.OPERATION);
    if (operation.equals("ANY") || operation.equals("UNKNOWN")) {
      throw badRequest("operation cannot be ANY");
    }
    String permission = bodyEnum(body, AclEnum.PERMISSION);
    if (permission.equals("ANY") || permission.equals("UNKNOWN")) {
      throw badRequest("permission cannot be ANY");
    }
    String resourceName = body.text("resource_name");
    if (resourceType.equals("CLUSTER") && !resourceName.equals(Resource.CLUSTER.name())) {
      throw new RestException(Errors.BAD_REQUEST, Errors.KAFKA_BAD_REQUEST,
          "The only valid name for the CLUSTER resource is kafka-cluster");
    }
    return new AclSpec(resourceType, resourceName, patternType, body.text("principal"), body.text("host"),
        operation, permission);
  }

  private static String bodyEnum(JsonBody body, AclEnum type) {
    String raw = body.text(type.field());
    return type.parse(raw).orElseThrow(() -> badRequest(type.invalidMessage(raw)));
  }

  /** JAX-RS BadRequestException upstream: error_code 400 and the bare message, no "Bad Request:" title. */
  private static RestException badRequest(String message) {
    return new RestException(Errors.BAD_REQUEST, Errors.BAD_REQUEST, message);
  }
}
