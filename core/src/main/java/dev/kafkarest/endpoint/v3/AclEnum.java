package dev.kafkarest.endpoint.v3;

import dev.kafkarest.error.Errors;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One of the four enum fields of a v3 ACL, with exactly the values upstream's Acl entity knows (Kafka's own enums
 * have more, such as USER or CREATE_TOKENS, which upstream shows as UNKNOWN). Values parse case-insensitively, as
 * upstream's query parameters do ({@code resource_type=topic}).
 */
record AclEnum(String field, List<String> values) {
  static final AclEnum RESOURCE_TYPE = new AclEnum("resource_type",
      List.of("UNKNOWN", "ANY", "TOPIC", "GROUP", "CLUSTER", "TRANSACTIONAL_ID", "DELEGATION_TOKEN"));
  static final AclEnum PATTERN_TYPE = new AclEnum("pattern_type",
      List.of("UNKNOWN", "ANY", "MATCH", "LITERAL", "PREFIXED"));
  static final AclEnum OPERATION = new AclEnum("operation", List.of("UNKNOWN", "ANY", "ALL", "READ", "WRITE", "CREATE",
      "DELETE", "ALTER", "DESCRIBE", "CLUSTER_ACTION", "DESCRIBE_CONFIGS", "ALTER_CONFIGS", "IDEMPOTENT_WRITE"));
  static final AclEnum PERMISSION = new AclEnum("permission", List.of("UNKNOWN", "ANY", "DENY", "ALLOW"));

  /** The upper-case value, or empty when {@code raw} is none of the values. */
  Optional<String> parse(String raw) {
    String upper = raw.toUpperCase(Locale.ROOT);
    return values.contains(upper) ? Optional.of(upper) : Optional.empty();
  }

  /** How upstream shows a Kafka enum value: its name, or UNKNOWN for one its entity does not have. */
  String show(Enum<?> kafkaValue) {
    return values.contains(kafkaValue.name()) ? kafkaValue.name() : "UNKNOWN";
  }

  /** The position in upstream's enum, by which upstream sorts ACLs. */
  int rank(String value) {
    return values.indexOf(value);
  }

  /** What upstream (Jackson) answers for a body value that is none of the values. */
  String invalidMessage(String raw) {
    return "Cannot deserialize value of type `Acl$" + typeName() + "` from String \"" + Errors.quote(raw)
        + "\": not one of the values accepted for Enum class: " + values;
  }

  private String typeName() {
    StringBuilder name = new StringBuilder();
    for (String part : field.split("_")) {
      name.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
    }
    return name.toString();
  }
}
