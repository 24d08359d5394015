package dev.kafkarest.endpoint.v3;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kafkarest.http.RestRequest;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AccessControlEntryFilter;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourcePatternFilter;
import org.apache.kafka.common.resource.ResourceType;

/**
 * An ACL, or an ACL filter, in upstream's terms: the enum fields hold {@link AclEnum} values (upper case); in a
 * filter a null name, principal or host matches any.
 */
record AclSpec(String resourceType, String resourceName, String patternType, String principal, String host,
               String operation, String permission) {

  /** Upstream's order of ACLs in an answer: field by field, enums by their position in upstream's enum. */
  static final Comparator<AclSpec> ORDER = Comparator
      .comparingInt((AclSpec a) -> AclEnum.RESOURCE_TYPE.rank(a.resourceType))
      .thenComparing(AclSpec::resourceName)
      .thenComparingInt(a -> AclEnum.PATTERN_TYPE.rank(a.patternType))
      .thenComparing(AclSpec::principal)
      .thenComparing(AclSpec::host)
      .thenComparingInt(a -> AclEnum.OPERATION.rank(a.operation))
      .thenComparingInt(a -> AclEnum.PERMISSION.rank(a.permission));

  static AclSpec of(AclBinding b) {
    return new AclSpec(AclEnum.RESOURCE_TYPE.show(b.pattern().resourceType()), b.pattern().name(),
        AclEnum.PATTERN_TYPE.show(b.pattern().patternType()), b.entry().principal(), b.entry().host(),
        AclEnum.OPERATION.show(b.entry().operation()), AclEnum.PERMISSION.show(b.entry().permissionType()));
  }

  AclBinding binding() {
    return new AclBinding(new ResourcePattern(ResourceType.valueOf(resourceType), resourceName,
        PatternType.valueOf(patternType)),
        new AccessControlEntry(principal, host, AclOperation.valueOf(operation),
            AclPermissionType.valueOf(permission)));
  }

  AclBindingFilter filter() {
    return new AclBindingFilter(new ResourcePatternFilter(ResourceType.valueOf(resourceType), resourceName,
        PatternType.valueOf(patternType)),
        new AccessControlEntryFilter(principal, host, AclOperation.valueOf(operation),
            AclPermissionType.valueOf(permission)));
  }

  /**
   * {@code .../acls?resource_type=...&...&permission=...}: every parameter, in upstream's order, an absent one
   * empty. This is each ACL's self link and a search's.
   */
  String url(RestRequest req, String clusterId) {
    return V3.clusterUrl(req, clusterId, "acls")
        + "?resource_type=" + encode(resourceType)
        + "&resource_name=" + encode(resourceName)
        + "&pattern_type=" + encode(patternType)
        + "&principal=" + encode(principal)
        + "&host=" + encode(host)
        + "&operation=" + encode(operation)
        + "&permission=" + encode(permission);
  }

  ObjectNode node(RestRequest req, String clusterId) {
    return V3.resource("KafkaAcl", url(req, clusterId), null)
        .put("cluster_id", clusterId)
        .put("resource_type", resourceType)
        .put("resource_name", resourceName)
        .put("pattern_type", patternType)
        .put("principal", principal)
        .put("host", host)
        .put("operation", operation)
        .put("permission", permission);
  }

  private static String encode(String value) {
    return value == null ? "" : URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
