package dev.kafkarest.endpoint.v3;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kafkarest.http.Json;
import dev.kafkarest.http.MediaTypes;
import dev.kafkarest.http.MediaTypes.Offer;
import dev.kafkarest.http.RestRequest;
import dev.kafkarest.http.RestResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

/**
 * What every v3 resource shares: JSON in and out, absolute links under the mount, CRNs, and the shapes
 * {@code {"kind", "metadata": {"self", "resource_name"}, ...}} and {@code {"kind": "...List", "metadata": {"self",
 * "next": null}, "data": [...]}} (Confluent's Resource and ResourceCollection).
 */
final class V3 {
  static final Set<String> READ_JSON = Set.of(MediaTypes.JSON);
  static final Set<String> NO_BODY = Set.of();
  static final List<Offer> ANSWER_JSON = List.of(new Offer(MediaTypes.JSON, 1.0));

  private V3() {}

  /** The absolute URL of {@code /v3/<segments...>} under the mount, each segment percent-encoded. */
  static String url(RestRequest request, Object... segments) {
    StringBuilder url = new StringBuilder(request.baseUri().toString()).append("/v3");
    for (Object segment : segments) {
      url.append('/').append(encode(segment.toString()));
    }
    return url.toString();
  }

  /** The cluster's own URL and those below it: {@code /v3/clusters/<c>/<segments...>}. */
  static String clusterUrl(RestRequest request, String clusterId, Object... segments) {
    Object[] all = new Object[segments.length + 2];
    all[0] = "clusters";
    all[1] = clusterId;
    System.arraycopy(segments, 0, all, 2, segments.length);
    return url(request, all);
  }

  /** {@code crn:///kafka=<cluster>/<type>=<value>...} from type/value pairs after the cluster. */
  static String crn(String clusterId, Object... typeValuePairs) {
    StringBuilder crn = new StringBuilder("crn:///kafka=").append(clusterId);
    for (int i = 0; i + 1 < typeValuePairs.length; i += 2) {
      crn.append('/').append(typeValuePairs[i]).append('=').append(typeValuePairs[i + 1]);
    }
    return crn.toString();
  }

  private static String encode(String segment) {
    // ':' stays as it is, for custom methods such as configs:alter.
    return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20").replace("%3A", ":");
  }

  /** A single resource; {@code resourceName} may be null (left out, as upstream). */
  static ObjectNode resource(String kind, String self, String resourceName) {
    ObjectNode node = Json.MAPPER.createObjectNode().put("kind", kind);
    ObjectNode metadata = node.putObject("metadata").put("self", self);
    if (resourceName != null) {
      metadata.put("resource_name", resourceName);
    }
    return node;
  }

  /** A collection of resources: kind {@code <itemKind>List}, no pagination ({@code next} is always null). */
  static ObjectNode collection(String itemKind, String self, List<ObjectNode> items) {
    ObjectNode node = Json.MAPPER.createObjectNode().put("kind", itemKind + "List");
    node.putObject("metadata").put("self", self).putNull("next");
    ArrayNode data = node.putArray("data");
    items.forEach(data::add);
    return node;
  }

  /** {@code "<field>": {"related": url}} on {@code node}. */
  static ObjectNode related(ObjectNode node, String field, String url) {
    node.putObject(field).put("related", url);
    return node;
  }

  static RestResponse ok(Object body) {
    return Json.response(200, MediaTypes.JSON, body);
  }

  static RestResponse noContent() {
    return RestResponse.noContent();
  }
}
