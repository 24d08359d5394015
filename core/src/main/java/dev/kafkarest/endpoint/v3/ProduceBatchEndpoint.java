package dev.kafkarest.endpoint.v3;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kafkarest.KafkaRestConfig;
import dev.kafkarest.endpoint.v3.RecordPublisher.Prepared;
import dev.kafkarest.endpoint.v3.RecordPublisher.Produced;
import dev.kafkarest.error.Errors;
import dev.kafkarest.error.LimitExceeded;
import dev.kafkarest.error.RestException;
import dev.kafkarest.format.RecordFormats;
import dev.kafkarest.http.Endpoint;
import dev.kafkarest.http.Json;
import dev.kafkarest.http.MediaTypes;
import dev.kafkarest.http.RestRequest;
import dev.kafkarest.http.RestResponse;
import dev.kafkarest.http.Router;
import dev.kafkarest.idempotency.KeyedRequests;
import dev.kafkarest.kafka.RecordProducer;
import dev.kafkarest.security.AccessGuard;
import dev.kafkarest.security.Operation;
import dev.kafkarest.security.Resource;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;

/**
 * {@code POST /v3/clusters/{c}/topics/{t}/records:batch}: up to {@code v3.produce.batch.max.entries} records in one
 * JSON body, answered 207 with {@code successes} and {@code failures}, each in request order. The cluster id is
 * echoed, not checked, as upstream.
 */
public final class ProduceBatchEndpoint implements Endpoint {
  static final int BATCH_ERROR = 42208;
  private static final Pattern ID = Pattern.compile("[0-9a-zA-Z_-]{1,80}");

  private final RecordProducer producer;
  private final RecordSerializer serializer;
  private final int maxEntries;
  private final ProduceRateLimits rateLimits;
  private final AccessGuard guard;
  private final KeyedRequests keyed;

  /** With {@code keyed}, a request with an {@code Idempotency-Key} is produced once, in a transaction. */
  public ProduceBatchEndpoint(RecordProducer producer, RecordFormats formats, int maxEntries,
                              ProduceRateLimits rateLimits, AccessGuard guard, KeyedRequests keyed) {
    this.producer = producer;
    this.serializer = new RecordSerializer(formats);
    this.maxEntries = maxEntries;
    this.rateLimits = rateLimits;
    this.guard = guard;
    this.keyed = keyed;
  }

  @Override
  public void routes(Router.Builder routes) {
    routes.add("POST", "/v3/clusters/{cluster}/topics/{topic}/records:batch", V3.READ_JSON, V3.ANSWER_JSON,
        (req, p) -> produce(req, p.get("cluster"), p.get("topic")));
  }

  private CompletionStage<RestResponse> produce(RestRequest req, String clusterId, String topic) throws Exception {
    guard.require(req, Operation.PRODUCE, Resource.topic(topic));
    if (keyed == null) {
      return prepare(req, clusterId, topic).to(producer);
    }
    return keyed.run(req, r -> CompletableFuture.completedFuture(prepare(r, clusterId, topic)));
  }

  /** The whole-request checks (before a keyed request's claim); the send publishes through the producer given. */
  private KeyedRequests.Send prepare(RestRequest req, String clusterId, String topic) throws IOException {
    List<JsonNode> nodes = new ArrayList<>();
    List<ProduceRecord> entries = entries(req, nodes);
    return with -> produce(new RecordPublisher(with, serializer), clusterId, topic, entries, nodes);
  }

  private CompletionStage<RestResponse> produce(RecordPublisher publisher, String clusterId, String topic,
                                                List<ProduceRecord> entries, List<JsonNode> nodes) {
    List<CompletableFuture<Prepared>> prepared = new ArrayList<>();
    for (int i = 0; i < entries.size(); i++) {
      prepared.add(prepare(publisher, clusterId, topic, nodes.get(i), entries.get(i)));
    }
    return CompletableFuture.allOf(prepared.toArray(CompletableFuture[]::new))
        .handle((ignored, failure) -> publisher.sendInOrder(topic, prepared))
        .thenCompose(produced -> CompletableFuture.allOf(produced.toArray(CompletableFuture[]::new))
            .handle((ignored, failure) -> answer(clusterId, topic, entries, produced)));
  }

  /** An entry over a rate limit fails alone (429), as in a stream. */
  private CompletableFuture<Prepared> prepare(RecordPublisher publisher, String clusterId, String topic,
                                              JsonNode node, ProduceRecord entry) {
    try {
      rateLimits.admit(clusterId, () -> Json.bytes(node).length);
    } catch (RestException limited) {
      return CompletableFuture.failedFuture(limited);
    }
    return publisher.prepare(topic, entry);
  }

  private static RestResponse answer(String clusterId, String topic, List<ProduceRecord> entries,
                                     List<CompletableFuture<Produced>> produced) {
    ObjectNode body = Json.MAPPER.createObjectNode();
    ArrayNode successes = body.putArray("successes");
    ArrayNode failures = body.putArray("failures");
    for (int i = 0; i < entries.size(); i++) {
      String id = entries.get(i).id();
      produced.get(i).handle((result, failure) -> failure == null
          ? successes.add(ProduceAnswers.success(Json.MAPPER.createObjectNode().put("id", id), clusterId, topic, result))
          : failures.add(ProduceAnswers.error(Json.MAPPER.createObjectNode().put("id", id), failure)));
    }
    return Json.response(207, MediaTypes.JSON, body);
  }

  /** The entries (their JSON into {@code nodes}), after Confluent's whole-request checks (422/42208, 422 for unknown fields, 400 for shape). */
  private List<ProduceRecord> entries(RestRequest req, List<JsonNode> nodes) throws IOException {
    JsonNode body = Json.readTree(Latin1Body.utf8(req));
    if (body == null || body.isNull()) {
      throw batchError("Request body is empty. Data is required.");
    }
    if (!body.isObject()) {
      throw Errors.badRequest("the request body must be a JSON object.");
    }
    for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!name.equals("entries")) {
        throw Errors.unrecognizedField(name);
      }
    }
    JsonNode array = body.get("entries");
    if (array != null && !array.isNull() && !array.isArray()) {
      throw Errors.badRequest("entries must be an array.");
    }
    List<ProduceRecord> entries = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    if (array != null) {
      for (JsonNode entry : array) {
        JsonNode id = entry.get("id");
        if (id == null || !id.isTextual() || !ID.matcher(id.textValue()).matches()) {
          throw batchError("Batch entry identifier is not a valid string.");
        }
        entries.add(ProduceRecord.of(entry, ProduceRecord.BATCH_FIELDS, Errors::unrecognizedField));
        nodes.add(entry);
        if (!ids.add(id.textValue())) {
          throw batchError("Batch entry IDs are not distinct.");
        }
      }
    }
    if (entries.isEmpty()) {
      throw batchError("Empty batch.");
    }
    if (entries.size() > maxEntries) {
      throw new LimitExceeded(KafkaRestConfig.V3_BATCH_MAX_ENTRIES, Errors.UNPROCESSABLE, BATCH_ERROR,
          "Too many entries in batch.");
    }
    return entries;
  }

  private static RestException batchError(String message) {
    return new RestException(Errors.UNPROCESSABLE, BATCH_ERROR, message);
  }
}
