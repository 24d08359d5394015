package dev.kafkarest.endpoint.v3;

import dev.kafkarest.format.RecordFormats;
import dev.kafkarest.http.Endpoint;
import dev.kafkarest.http.LimitedInputStream;
import dev.kafkarest.http.MediaTypes;
import dev.kafkarest.http.RestRequest;
import dev.kafkarest.http.RestResponse;
import dev.kafkarest.http.Router;
import dev.kafkarest.idempotency.KeyedRequests;
import dev.kafkarest.kafka.RecordProducer;
import dev.kafkarest.security.AccessGuard;
import dev.kafkarest.security.Operation;
import dev.kafkarest.security.Resource;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@code POST /v3/clusters/{c}/topics/{t}/records}: a body of JSON records, answered 200 at once with one result
 * line per record, in order, each as soon as it is acknowledged. The work happens in a {@link ProduceStream}
 * that {@link ProduceStreams} owns; this handler only admits it (429 past the stream limit). With an
 * {@code Idempotency-Key} the whole request is one keyed request instead ({@link KeyedProduceStream}).
 */
public final class ProduceStreamEndpoint implements Endpoint {
  /**
   * The stream bounds from the config; a keyed request is bounded as a whole by {@code keyedMaxBytes} (413) and
   * {@code keyedMaxRecords} (422).
   */
  public record Limits(int maxInFlight, long maxDurationMs, long maxRecordBytes, long keyedMaxBytes,
                       int keyedMaxRecords) {}

  private final RecordPublisher publisher;
  private final ProduceStreams streams;
  private final Limits limits;
  private final ProduceRateLimits rateLimits;
  private final AccessGuard guard;
  private final RecordSerializer serializer;
  private final KeyedRequests keyed;
  private final KeyedProduceStream keyedStream;

  /** With {@code keyed}, a request with an {@code Idempotency-Key} is produced once, in a transaction. */
  public ProduceStreamEndpoint(RecordProducer producer, RecordFormats formats, ProduceStreams streams, Limits limits,
                               ProduceRateLimits rateLimits, AccessGuard guard, KeyedRequests keyed) {
    this.serializer = new RecordSerializer(formats);
    this.publisher = new RecordPublisher(producer, serializer);
    this.streams = streams;
    this.limits = limits;
    this.rateLimits = rateLimits;
    this.guard = guard;
    this.keyed = keyed;
    this.keyedStream = new KeyedProduceStream(rateLimits, limits.maxRecordBytes(), limits.keyedMaxRecords());
  }

  @Override
  public void routes(Router.Builder routes) {
    routes.addStreaming("POST", "/v3/clusters/{cluster}/topics/{topic}/records", V3.READ_JSON, V3.ANSWER_JSON,
        (req, p) -> {
          String topic = p.get("topic");
          guard.require(req, Operation.PRODUCE, Resource.topic(topic));
          if (keyed != null && KeyedRequests.hasKey(req)) {
            return keyed(req, p.get("cluster"), topic);
          }
          RecordStream records = new RecordStream(Latin1Body.utf8(req), limits.maxRecordBytes());
          ProduceStreams.Slot slot = streams.open();
          ProduceStream stream = new ProduceStream(slot, streams.threads(), records, publisher, rateLimits,
              p.get("cluster"),
              topic, limits.maxDurationMs(), limits.maxInFlight());
          return CompletableFuture.completedFuture(RestResponse.of(200, MediaTypes.JSON, stream));
        });
  }

  /** One key for the whole body: read to its end (bounded, 413), produced in one transaction, answered at once. */
  private CompletionStage<RestResponse> keyed(RestRequest req, String clusterId, String topic) throws Exception {
    RestRequest bounded = new RestRequest(req.method(), req.path(), req.query(), req.headers(),
        new LimitedInputStream(req.body(), limits.keyedMaxBytes()), req.baseUri(), req.principal());
    return keyed.run(bounded, r -> {
      KeyedProduceStream.Lines lines = keyedStream.read(r); // too many records is refused here, before any claim
      return CompletableFuture.completedFuture(
          with -> keyedStream.produce(lines, new RecordPublisher(with, serializer), clusterId, topic));
    });
  }
}
