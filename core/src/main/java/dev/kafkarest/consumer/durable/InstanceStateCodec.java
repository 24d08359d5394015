package dev.kafkarest.consumer.durable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kafkarest.consumer.ConsumerInstanceId;
import dev.kafkarest.consumer.ConsumerSettings;
import dev.kafkarest.consumer.Subscription;
import dev.kafkarest.format.EmbeddedFormat;
import dev.kafkarest.http.Json;
import dev.kafkarest.http.NodeForwarder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.kafka.common.TopicPartition;

/**
 * The state topic's record format: JSON, with a version field {@code v} in key and value. A reader skips records
 * of a version it does not know, so a newer node can add a version without breaking older ones.
 *
 * <pre>
 * key   {"v":1,"group":"g","name":"n"}
 * value {"v":1,"group":"g","name":"n","format":"json","auto.offset.reset":"earliest","auto.commit.enable":true,
 *        "fetch.min.bytes":-1,"consumer.request.timeout.ms":null,"principal":null,
 *        "subscription":{"topics":["t"]} | {"topic_pattern":"t.*"} | {"partitions":[{"topic":"t","partition":0}]} | {},
 *        "last_used_ms":1700000000000,"node":"node-a","node_url":"http://10.0.0.5:8080/kafka","base":41}
 * value null: a tombstone, the instance was deleted or expired
 * </pre>
 *
 * <p>A field added later is optional, so it stays version 1: {@code node_url} (absent when the writing node has no
 * {@code consumer.instances.node.url}, and in records of nodes older than it, which readers treat alike; older
 * readers ignore it). {@code base} likewise: present in a claim, the offset of the record for the instance that the
 * claim was built from; a reader applies the claim only if no other record for the instance came after that offset
 * (see {@link InstanceStore}). A record without it (every other record, and claims of older nodes) applies as it
 * comes. Older readers ignore it and apply every claim, as they did. A change that older readers would misread
 * takes a new version.
 */
public final class InstanceStateCodec {
  public static final int VERSION = 1;
  /** The base of a record that is not a claim: it applies whatever came before it. */
  public static final long NO_BASE = -1;

  /** A decoded value: the state, and the offset its claim was built from ({@link #NO_BASE}: not a claim). */
  public record Decoded(InstanceState state, long base) {}

  private InstanceStateCodec() {}

  /** A record the reader cannot use; the reader logs it and goes on. */
  public static final class BadRecordException extends Exception {
    BadRecordException(String message) {
      super(message);
    }
  }

  public static byte[] key(ConsumerInstanceId id) {
    ObjectNode key = Json.MAPPER.createObjectNode();
    key.put("v", VERSION).put("group", id.group()).put("name", id.name());
    return bytes(key);
  }

  public static byte[] value(InstanceState state) {
    return value(state, NO_BASE);
  }

  /** A record's value; {@code base} not {@link #NO_BASE}: a claim, valid only if nothing came after that offset. */
  public static byte[] value(InstanceState state, long base) {
    ObjectNode v = Json.MAPPER.createObjectNode();
    ConsumerSettings s = state.settings();
    v.put("v", VERSION).put("group", state.id().group()).put("name", state.id().name());
    v.put("format", s.format().name().toLowerCase(Locale.ROOT));
    v.put("auto.offset.reset", s.autoOffsetReset());
    v.put("auto.commit.enable", s.autoCommit());
    v.put("fetch.min.bytes", s.fetchMinBytes());
    v.put("consumer.request.timeout.ms", s.requestTimeoutMs());
    v.put("record.metadata", s.recordMetadata());
    v.put("isolation.level", s.isolationLevel());
    v.put("principal", state.principal());
    ObjectNode sub = v.putObject("subscription");
    Subscription subscription = state.subscription();
    if (subscription.topics() != null) {
      ArrayNode topics = sub.putArray("topics");
      subscription.topics().forEach(topics::add);
    } else if (subscription.pattern() != null) {
      sub.put("topic_pattern", subscription.pattern());
    } else if (subscription.partitions() != null) {
      ArrayNode partitions = sub.putArray("partitions");
      subscription.partitions().forEach(tp -> partitions.addObject().put("topic", tp.topic())
          .put("partition", tp.partition()));
    }
    v.put("last_used_ms", state.lastUsedMillis());
    v.put("node", state.node());
    if (state.nodeUrl() != null) {
      v.put("node_url", state.nodeUrl());
    }
    if (base != NO_BASE) {
      v.put("base", base);
    }
    return bytes(v);
  }

  /** A URL that is not one is ignored, not the record: its instance is then taken over rather than forwarded to. */
  private static String nodeUrl(JsonNode v) throws BadRecordException {
    String url = optionalText(v, "node_url");
    try {
      return url == null ? null : NodeForwarder.baseUrl(url);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** Absent in records written before it was stored: the consumer default then. */
  private static String isolationLevel(JsonNode v) throws BadRecordException {
    String level = optionalText(v, "isolation.level");
    if (level != null && !level.equals("read_committed") && !level.equals("read_uncommitted")) {
      throw new BadRecordException("isolation.level is not read_committed or read_uncommitted");
    }
    return level;
  }

  public static ConsumerInstanceId decodeKey(byte[] key) throws BadRecordException {
    JsonNode k = parse(key, "key");
    version(k);
    return new ConsumerInstanceId(requiredText(k, "group"), requiredText(k, "name"));
  }

  public static InstanceState decodeValue(ConsumerInstanceId id, byte[] value) throws BadRecordException {
    return decode(id, value).state();
  }

  public static Decoded decode(ConsumerInstanceId id, byte[] value) throws BadRecordException {
    JsonNode v = parse(value, "value");
    version(v);
    if (!id.equals(new ConsumerInstanceId(requiredText(v, "group"), requiredText(v, "name")))) {
      throw new BadRecordException("the value names another instance than the key");
    }
    EmbeddedFormat format = EmbeddedFormat.fromName(requiredText(v, "format"))
        .orElseThrow(() -> new BadRecordException("unknown format"));
    ConsumerSettings settings = new ConsumerSettings(id.name(), format, optionalText(v, "auto.offset.reset"),
        v.path("auto.commit.enable").isBoolean() ? v.get("auto.commit.enable").booleanValue() : null,
        v.path("fetch.min.bytes").asInt(-1),
        v.path("consumer.request.timeout.ms").isInt() ? v.get("consumer.request.timeout.ms").intValue() : null,
        v.path("record.metadata").asBoolean(false), isolationLevel(v));
    JsonNode sub = v.path("subscription");
    Subscription subscription = Subscription.NONE;
    if (sub.path("topics").isArray()) {
      List<String> topics = new ArrayList<>();
      for (JsonNode t : sub.get("topics")) {
        topics.add(textOf(t, "topics"));
      }
      subscription = Subscription.topics(topics);
    } else if (sub.has("topic_pattern")) {
      subscription = Subscription.pattern(requiredText(sub, "topic_pattern"));
    } else if (sub.path("partitions").isArray()) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (JsonNode p : sub.get("partitions")) {
        if (!p.path("partition").isInt() || p.get("partition").intValue() < 0) {
          throw new BadRecordException("partition is not a valid number");
        }
        partitions.add(new TopicPartition(requiredText(p, "topic"), p.get("partition").intValue()));
      }
      subscription = Subscription.partitions(partitions);
    }
    if (!v.path("last_used_ms").canConvertToLong()) {
      throw new BadRecordException("last_used_ms is missing");
    }
    return new Decoded(new InstanceState(id, settings, optionalText(v, "principal"), subscription,
        v.get("last_used_ms").longValue(), requiredText(v, "node"), nodeUrl(v)), base(v));
  }

  private static long base(JsonNode v) throws BadRecordException {
    JsonNode base = v.get("base");
    if (base == null || base.isNull()) {
      return NO_BASE;
    }
    if (!base.canConvertToLong() || !base.isIntegralNumber() || base.longValue() < 0) {
      throw new BadRecordException("base is not an offset");
    }
    return base.longValue();
  }

  private static JsonNode parse(byte[] bytes, String what) throws BadRecordException {
    if (bytes == null) {
      throw new BadRecordException("the " + what + " is null");
    }
    try {
      JsonNode node = Json.MAPPER.readTree(bytes);
      if (node == null || !node.isObject()) {
        throw new BadRecordException("the " + what + " is not a JSON object");
      }
      return node;
    } catch (IOException e) {
      throw new BadRecordException("the " + what + " is not JSON");
    }
  }

  private static void version(JsonNode node) throws BadRecordException {
    if (node.path("v").asInt(-1) != VERSION) {
      throw new BadRecordException("unknown record version " + node.path("v"));
    }
  }

  private static String requiredText(JsonNode node, String field) throws BadRecordException {
    String text = optionalText(node, field);
    if (text == null) {
      throw new BadRecordException(field + " is missing");
    }
    return text;
  }

  private static String optionalText(JsonNode node, String field) throws BadRecordException {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? null : textOf(value, field);
  }

  private static String textOf(JsonNode value, String field) throws BadRecordException {
    if (!value.isTextual()) {
      throw new BadRecordException(field + " is not a string");
    }
    return value.textValue();
  }

  private static byte[] bytes(JsonNode node) {
    try {
      return Json.MAPPER.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
