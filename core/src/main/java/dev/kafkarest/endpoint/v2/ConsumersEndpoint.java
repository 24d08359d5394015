package dev.kafkarest.endpoint.v2;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.kafkarest.consumer.ConsumedRecord;
import dev.kafkarest.consumer.ConsumerInstance;
import dev.kafkarest.consumer.ConsumerRegistry;
import dev.kafkarest.consumer.ConsumerSettings;
import dev.kafkarest.endpoint.JsonBody;
import dev.kafkarest.error.Errors;
import dev.kafkarest.error.ExceptionMapper;
import dev.kafkarest.format.EmbeddedFormat;
import dev.kafkarest.format.HeadersJson;
import dev.kafkarest.http.Json;
import dev.kafkarest.http.MediaTypes;
import dev.kafkarest.http.PathParams;
import dev.kafkarest.http.RestRequest;
import dev.kafkarest.http.RestResponse;
import dev.kafkarest.http.Router;
import dev.kafkarest.security.AccessGuard;
import dev.kafkarest.security.Operation;
import dev.kafkarest.security.Resource;
import dev.kafkarest.stream.EventStreams;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/** The v2 consumer API: instances, subscription, assignment, positions, offsets and records. */
public final class ConsumersEndpoint implements dev.kafkarest.http.Endpoint {
  private static final String INSTANCE = "/consumers/{group}/instances/{name}";
  private static final Set<String> CREATE_FIELDS = Set.of("name", "id", "format", "auto.offset.reset",
      "auto.commit.enable", "fetch.min.bytes", "responseMinBytes", "consumer.request.timeout.ms", "requestWaitMs",
      "record.metadata", "isolation.level");
  private static final Set<String> PARTITION_FIELDS = Set.of("topic", "partition");
  private static final Set<String> OFFSET_FIELDS = Set.of("topic", "partition", "offset", "metadata");
  private static final Set<String> TIMESTAMP_FIELDS = Set.of("topic", "partition", "timestamp", "metadata");
  private static final Pattern NAME = Pattern.compile("[^/\\p{Cntrl}]{1,255}");
  private static final Pattern OFFSET_RESET = Pattern.compile("earliest|latest|none|by_duration:P[0-9A-Z.]{1,40}",
      Pattern.CASE_INSENSITIVE);
  /** An instance may wait up to 5 minutes per read; longer would only hold memory and a poll slot. */
  private static final int MAX_REQUEST_TIMEOUT_MS = 300_000;
  private static final int COALESCED_WRITE_BYTES = 256 * 1024;

  private final ConsumerRegistry registry;
  private final AccessGuard guard;
  private final EventStreams eventStreams;
  /** Durable instances with a node URL: requests for instances held elsewhere go there; else null. */
  private final InstanceForwarding forwarding;

  public ConsumersEndpoint(ConsumerRegistry registry, AccessGuard guard) {
    this(registry, guard, null);
  }

  /** With {@code eventStreams}, a records read that asks for {@code text/event-stream} becomes a stream. */
  public ConsumersEndpoint(ConsumerRegistry registry, AccessGuard guard, EventStreams eventStreams) {
    this.registry = registry;
    this.guard = guard;
    this.eventStreams = eventStreams;
    this.forwarding = registry.forwarder() == null ? null
        : new InstanceForwarding(registry, guard, registry.forwarder());
  }

  @Override
  public void routes(Router.Builder r) {
    add(r, "POST", "/consumers/{group}", this::create);
    add(r, "DELETE", INSTANCE, (req, p) -> {
      instance(req, p);
      return registry.delete(p.get("group"), p.get("name")).thenApply(v -> noContent());
    });
    add(r, "POST", INSTANCE + "/subscription", this::subscribe);
    add(r, "GET", INSTANCE + "/subscription", (req, p) -> instance(req, p).subscription()
        .thenApply(topics -> json(Map.of("topics", topics.stream().sorted().toList()))));
    add(r, "DELETE", INSTANCE + "/subscription", (req, p) -> instance(req, p).unsubscribe().thenApply(v -> noContent()));
    add(r, "POST", INSTANCE + "/assignments", (req, p) -> {
      ConsumerInstance instance = instance(req, p);
      return instance.assign(allowed(req, partitions(JsonBody.required(req, Set.of("partitions"))))).thenApply(v -> noContent());
    });
    add(r, "GET", INSTANCE + "/assignments", (req, p) -> instance(req, p).assignment()
        .thenApply(tps -> json(Map.of("partitions", sorted(tps).stream().map(ConsumersEndpoint::partitionJson)
            .toList()))));
    add(r, "POST", INSTANCE + "/positions", this::seek);
    add(r, "POST", INSTANCE + "/positions/beginning", (req, p) -> {
      ConsumerInstance instance = instance(req, p);
      return instance.seekToBeginning(allowed(req, partitions(JsonBody.required(req, Set.of("partitions")))))
          .thenApply(v -> noContent());
    });
    add(r, "POST", INSTANCE + "/positions/end", (req, p) -> {
      ConsumerInstance instance = instance(req, p);
      return instance.seekToEnd(allowed(req, partitions(JsonBody.required(req, Set.of("partitions")))))
          .thenApply(v -> noContent());
    });
    add(r, "POST", INSTANCE + "/offsets", this::commit);
    add(r, "GET", INSTANCE + "/offsets", this::committed);
    r.add("GET", INSTANCE + "/records", V2Types.NO_BODY, List.of(),
        forwarding == null ? this::records : forwarding.wrap(this::records, true));
  }

  private void add(Router.Builder r, String method, String path, dev.kafkarest.http.Handler handler) {
    dev.kafkarest.http.Handler served = forwarding == null || !path.startsWith(INSTANCE) ? handler
        : forwarding.wrap(handler, false);
    r.add(method, path, V2Types.READ_V2_OR_EMBEDDED, V2Types.ANSWER_V2_OR_EMBEDDED, served);
  }

  /** The addressed instance, if the caller may use its group and is the one who created it. */
  private ConsumerInstance instance(RestRequest req, PathParams p) {
    guard.require(req, Operation.CONSUME, Resource.group(p.get("group")));
    return registry.get(p.get("group"), p.get("name"), req.principal());
  }

  private <T extends java.util.Collection<TopicPartition>> T allowed(RestRequest req, T partitions) {
    partitions.forEach(tp -> guard.require(req, Operation.CONSUME, Resource.topic(tp.topic())));
    return partitions;
  }

  // ---- create ----

  private CompletionStage<RestResponse> create(RestRequest req, PathParams p) throws IOException {
    String group = p.get("group");
    guard.require(req, Operation.CONSUME, Resource.group(group));
    JsonBody body = JsonBody.read(req, CREATE_FIELDS);
    ConsumerSettings settings = body == null
        ? new ConsumerSettings(null, EmbeddedFormat.BINARY, null, null, -1, null)
        : settings(body);
    ConsumerInstance instance = registry.create(group, settings, req.principal());
    String name = instance.id().name();
    String baseUri = req.baseUri() + "/consumers/" + encode(group) + "/instances/" + encode(name);
    Map<String, String> answer = new LinkedHashMap<>();
    answer.put("instance_id", name);
    answer.put("base_uri", baseUri);
    return Json.ok(answer);
  }

  private static ConsumerSettings settings(JsonBody body) {
    String name = body.has("id") ? body.scalarText("id") : body.scalarText("name");
    if (name != null && !NAME.matcher(name).matches()) {
      throw Errors.unprocessable("Invalid consumer name: it must be 1 to 255 characters, without '/'.");
    }
    EmbeddedFormat format = EmbeddedFormat.BINARY;
    String formatName = body.scalarText("format");
    if (formatName != null) {
      format = EmbeddedFormat.fromName(formatName).orElseThrow(() -> Errors.unprocessable("Invalid format type."));
    }
    Boolean autoCommit = null;
    String autoCommitText = body.scalarText("auto.commit.enable");
    if (autoCommitText != null) {
      if (!autoCommitText.equalsIgnoreCase("true") && !autoCommitText.equalsIgnoreCase("false")) {
        throw Errors.invalidConsumerConfig("auto.commit.enable must be true or false");
      }
      autoCommit = Boolean.parseBoolean(autoCommitText);
    }
    Integer minBytes = body.has("fetch.min.bytes") ? body.integer("fetch.min.bytes") : body.integer("responseMinBytes");
    if (minBytes != null && (minBytes < -1 || minBytes > 10_000_000)) {
      throw Errors.invalidConsumerConstraint("fetch.min.bytes must be between -1 and 10000000");
    }
    Integer timeout = body.has("consumer.request.timeout.ms")
        ? body.integer("consumer.request.timeout.ms") : body.integer("requestWaitMs");
    if (timeout != null && (timeout < 0 || timeout > MAX_REQUEST_TIMEOUT_MS)) {
      throw Errors.invalidConsumerConstraint("consumer.request.timeout.ms must be between 0 and "
          + MAX_REQUEST_TIMEOUT_MS);
    }
    String reset = body.scalarText("auto.offset.reset");
    if (reset != null && !validOffsetReset(reset)) {
      throw Errors.invalidConsumerConfig("Invalid value " + Errors.quote(reset)
          + " for configuration auto.offset.reset: must be earliest, latest, none or by_duration:<ISO-8601>");
    }
    String metadata = body.scalarText("record.metadata");
    if (metadata != null && !metadata.equalsIgnoreCase("true") && !metadata.equalsIgnoreCase("false")) {
      throw Errors.invalidConsumerConfig("record.metadata must be true or false");
    }
    String isolation = body.scalarText("isolation.level");
    if (isolation != null && !isolation.equals("read_committed") && !isolation.equals("read_uncommitted")) {
      throw Errors.invalidConsumerConfig("Invalid value " + Errors.quote(isolation)
          + " for configuration isolation.level: must be read_committed or read_uncommitted");
    }
    return new ConsumerSettings(name, format, reset, autoCommit,
        minBytes == null ? -1 : minBytes, timeout, Boolean.parseBoolean(metadata), isolation);
  }

  /** As Kafka's own validator: one of the names, or by_duration: with a non-negative ISO-8601 duration. */
  private static boolean validOffsetReset(String reset) {
    if (!OFFSET_RESET.matcher(reset).matches()) {
      return false;
    }
    if (!reset.regionMatches(true, 0, "by_duration:", 0, 12)) {
      return true;
    }
    try {
      return !java.time.Duration.parse(reset.substring(12)).isNegative();
    } catch (java.time.format.DateTimeParseException e) {
      return false;
    }
  }

  private static String encode(String segment) {
    return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
  }

  // ---- subscription and positions ----

  private CompletionStage<RestResponse> subscribe(RestRequest req, PathParams p) throws IOException {
    ConsumerInstance instance = instance(req, p);
    JsonBody body = JsonBody.required(req, Set.of("topics", "topic_pattern"));
    List<String> topics = body.strings("topics");
    if (topics != null) {
      topics.forEach(t -> guard.require(req, Operation.CONSUME, Resource.topic(t)));
      return instance.subscribe(topics).thenApply(v -> noContent());
    }
    String pattern = body.text("topic_pattern");
    if (pattern == null) {
      throw Errors.unprocessable("Either topics or topic_pattern is required.");
    }
    guard.require(req, Operation.CONSUME, Resource.topicPattern(pattern));
    try {
      return instance.subscribe(Pattern.compile(pattern)).thenApply(v -> noContent());
    } catch (PatternSyntaxException e) {
      throw Errors.unprocessable("topic_pattern is not a valid regular expression.");
    }
  }

  private CompletionStage<RestResponse> seek(RestRequest req, PathParams p) throws IOException {
    ConsumerInstance instance = instance(req, p);
    JsonBody body = JsonBody.required(req, Set.of("offsets", "timestamps"));
    Map<TopicPartition, OffsetAndMetadata> offsets = offsets(body, true);
    allowed(req, offsets.keySet());
    Map<TopicPartition, Long> timestamps = new LinkedHashMap<>();
    List<JsonBody> items = body.objects("timestamps", TIMESTAMP_FIELDS);
    if (items != null) {
      for (JsonBody item : items) {
        timestamps.put(partition(item), timestamp(item.requiredText("timestamp")));
      }
    }
    allowed(req, timestamps.keySet());
    return instance.seek(offsets).thenCompose(v -> timestamps.isEmpty()
        ? java.util.concurrent.CompletableFuture.completedFuture(null)
        : instance.seekToTimestamps(timestamps)).thenApply(v -> noContent());
  }

  private static long timestamp(String text) {
    try {
      return Instant.parse(text).toEpochMilli();
    } catch (DateTimeParseException e) {
      throw Errors.badRequest("timestamp must be an ISO-8601 instant such as 2024-01-31T12:00:00Z.");
    }
  }

  // ---- offsets ----

  private CompletionStage<RestResponse> commit(RestRequest req, PathParams p) throws IOException {
    ConsumerInstance instance = instance(req, p);
    JsonBody body = JsonBody.read(req, Set.of("offsets"));
    Map<TopicPartition, OffsetAndMetadata> offsets = body == null || !body.has("offsets") ? null : offsets(body, false);
    if (offsets != null) {
      allowed(req, offsets.keySet());
    }
    return instance.commit(offsets).thenApply(v -> json(List.of()));
  }

  private CompletionStage<RestResponse> committed(RestRequest req, PathParams p) throws IOException {
    ConsumerInstance instance = instance(req, p);
    Set<TopicPartition> wanted = allowed(req, new HashSet<>(partitions(JsonBody.required(req, Set.of("partitions")))));
    return instance.committed(wanted).thenApply(found -> {
      List<Map<String, Object>> offsets = new ArrayList<>();
      for (TopicPartition tp : sorted(found.keySet())) {
        Map<String, Object> item = new LinkedHashMap<>(partitionJson(tp));
        item.put("offset", found.get(tp).offset());
        item.put("metadata", found.get(tp).metadata());
        offsets.add(item);
      }
      return json(Map.of("offsets", offsets));
    });
  }

  /**
   * {@code offsets} entries as Kafka offsets. A commit body names the last record processed, so Kafka gets
   * {@code offset + 1}; a seek body names the position itself.
   */
  private static Map<TopicPartition, OffsetAndMetadata> offsets(JsonBody body, boolean seek) {
    Map<TopicPartition, OffsetAndMetadata> offsets = new LinkedHashMap<>();
    List<JsonBody> items = body.objects("offsets", OFFSET_FIELDS);
    if (items != null) {
      for (JsonBody item : items) {
        long offset = item.requiredLong("offset");
        if (offset < 0) {
          throw Errors.unprocessable("offset must not be negative.");
        }
        String metadata = item.text("metadata");
        offsets.put(partition(item), new OffsetAndMetadata(seek ? offset : offset + 1, metadata == null ? "" : metadata));
      }
    }
    return offsets;
  }

  private static List<TopicPartition> partitions(JsonBody body) {
    List<JsonBody> items = body.objects("partitions", PARTITION_FIELDS);
    if (items == null) {
      throw Errors.unprocessable("partitions is required.");
    }
    List<TopicPartition> out = new ArrayList<>(items.size());
    for (JsonBody item : items) {
      out.add(partition(item));
    }
    return out;
  }

  private static TopicPartition partition(JsonBody item) {
    String topic = item.requiredText("topic");
    Integer partition = item.integer("partition");
    if (partition == null) {
      throw Errors.unprocessable("partition is required.");
    }
    if (partition < 0) {
      throw Errors.unprocessable("partition must not be negative.");
    }
    return new TopicPartition(topic, partition);
  }

  private static List<TopicPartition> sorted(Set<TopicPartition> partitions) {
    return partitions.stream()
        .sorted(Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition))
        .toList();
  }

  private static Map<String, Object> partitionJson(TopicPartition tp) {
    Map<String, Object> item = new LinkedHashMap<>();
    item.put("topic", tp.topic());
    item.put("partition", tp.partition());
    return item;
  }

  // ---- records ----

  /**
   * Confluent's records methods produce the embedded types, so its errors (a deleted instance's 404/40403, say)
   * carry the negotiated type too: binary when there is no Accept. Only a 406 keeps the v2 type.
   */
  private CompletionStage<RestResponse> records(RestRequest req, PathParams p) {
    if (eventStreams != null && InstanceEvents.asked(req)) {
      return InstanceEvents.open(req, registry, instance(req, p), eventStreams, longQuery(req, "timeout"),
          longQuery(req, "max_bytes"));
    }
    String responseType = RecordsNegotiation.responseType(req.header("Accept").orElse(null));
    CompletionStage<RestResponse> answer;
    try {
      ConsumerInstance instance = instance(req, p);
      RecordsNegotiation.checkFormat(responseType, instance.settings().format());
      long timeout = registry.readTimeoutMs(instance, longQuery(req, "timeout"));
      long maxBytes = registry.readMaxBytes(longQuery(req, "max_bytes"));
      answer = registry.read(instance, timeout, maxBytes)
          .thenApply(records -> RestResponse.of(200, responseType,
              out -> writeRecords(out, records, instance.settings().recordMetadata())));
    } catch (RuntimeException e) {
      answer = CompletableFuture.failedFuture(e);
    }
    return answer.exceptionally(failure -> Json.error(ExceptionMapper.toRestException(failure), responseType));
  }

  private static long longQuery(RestRequest req, String name) {
    String value = req.queryParam(name).orElse(null);
    if (value == null || value.isBlank()) {
      return -1;
    }
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw Errors.badRequest(name + " must be an integer.");
    }
  }

  /**
   * A large answer reaches the container in writes of up to 256 KiB instead of Jackson's 8 KB flushes, so the
   * container makes one socket write where it made eight (measured with the benchmark's consume run: 2.3-2.6 µs of
   * proxy CPU per 1 KiB record instead of 2.85). The buffer is sized at 2 KiB per record, so a small answer gets
   * a small one.
   */
  private static OutputStream coalesced(OutputStream out, int records) {
    long size = Math.min(COALESCED_WRITE_BYTES, records * 2048L);
    return size < 32 * 1024 ? out : new BufferedOutputStream(out, (int) size);
  }

  private static void writeRecords(OutputStream out, List<ConsumedRecord> records, boolean metadata)
      throws IOException {
    OutputStream target = coalesced(out, records.size());
    try (JsonGenerator g = Json.generator(target)) {
      g.writeStartArray();
      for (ConsumedRecord r : records) {
        g.writeStartObject();
        g.writeStringField("topic", r.topic());
        g.writeFieldName("key");
        if (r.key() == null) {
          g.writeNull();
        } else {
          r.key().writeTo(g);
        }
        g.writeFieldName("value");
        if (r.value() == null) {
          g.writeNull();
        } else {
          r.value().writeTo(g);
        }
        g.writeNumberField("partition", r.partition());
        g.writeNumberField("offset", r.offset());
        if (metadata) {
          writeMetadata(g, r);
        }
        g.writeEndObject();
      }
      g.writeEndArray();
    }
    target.flush(); // Jackson passes its flush on by default; the coalescing buffer must not depend on that
  }

  /** The extension fields: {@code timestamp}, {@code timestamp_type}, {@code headers} (name, base64 value). */
  private static void writeMetadata(JsonGenerator g, ConsumedRecord r) throws IOException {
    g.writeNumberField("timestamp", r.timestamp());
    g.writeStringField("timestamp_type", r.timestampType());
    HeadersJson.write(g, r.headers());
  }

  private static RestResponse noContent() {
    return RestResponse.noContent();
  }

  private static RestResponse json(Object value) {
    return Json.response(200, MediaTypes.V2, value);
  }
}
