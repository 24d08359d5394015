package dev.kafkarest.endpoint.v3;

import dev.kafkarest.format.RecordFormats;
import dev.kafkarest.http.Endpoint;
import dev.kafkarest.http.MediaTypes;
import dev.kafkarest.http.RestResponse;
import dev.kafkarest.http.Router;
import dev.kafkarest.idempotency.KeyedRequests;
import dev.kafkarest.kafka.RecordProducer;
import dev.kafkarest.security.AccessGuard;
import dev.kafkarest.security.Operation;
import dev.kafkarest.security.Resource;
import java.util.concurrent.CompletableFuture;

/**
 * {@code POST /v3/clusters/{c}/topics/{t}/records}: a body of JSON records, answered 200 at once with one result
 * line per record, in order, each as soon as it is acknowledged. The work happens in a {@link ProduceStream}
 * that {@link ProduceStreams} owns; this handler only admits it (429 past the stream limit).
 */
public final class ProduceStreamEndpoint implements Endpoint {
  /** The stream bounds from the config. */
  public record Limits(int maxInFlight, long maxDurationMs, long maxRecordBytes) {}

  private final RecordPublisher publisher;
  private final ProduceStreams streams;
  private final Limits limits;
  private final ProduceRateLimits rateLimits;
  private final AccessGuard guard;

  public ProduceStreamEndpoint(RecordProducer producer, RecordFormats formats, ProduceStreams streams, Limits limits,
                               ProduceRateLimits rateLimits, AccessGuard guard) {
    this.publisher = new RecordPublisher(producer, new RecordSerializer(formats));
    this.streams = streams;
    this.limits = limits;
    this.rateLimits = rateLimits;
    this.guard = guard;
  }

  @Override
  public void routes(Router.Builder routes) {
    routes.addStreaming("POST", "/v3/clusters/{cluster}/topics/{topic}/records", V3.READ_JSON, V3.ANSWER_JSON,
        (req, p) -> {
          String topic = p.get("topic");
          guard.require(req, Operation.PRODUCE, Resource.topic(topic));
          KeyedRequests.refuseKey(req, "streaming produce (POST .../records) answers each record as it is written, "
              + "so one key cannot cover the request; send keyed records with POST .../records:batch");
          RecordStream records = new RecordStream(Latin1Body.utf8(req), limits.maxRecordBytes());
          ProduceStreams.Slot slot = streams.open();
          ProduceStream stream = new ProduceStream(slot, streams.threads(), records, publisher, rateLimits,
              p.get("cluster"),
              topic, limits.maxDurationMs(), limits.maxInFlight());
          return CompletableFuture.completedFuture(RestResponse.of(200, MediaTypes.JSON, stream));
        });
  }
}
