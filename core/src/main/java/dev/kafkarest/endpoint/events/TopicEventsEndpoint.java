package dev.kafkarest.endpoint.events;

import dev.kafkarest.error.Errors;
import dev.kafkarest.error.ExceptionMapper;
import dev.kafkarest.error.RestException;
import dev.kafkarest.format.EmbeddedFormat;
import dev.kafkarest.format.RecordFormat;
import dev.kafkarest.format.RecordFormats;
import dev.kafkarest.http.Endpoint;
import dev.kafkarest.http.MediaTypes;
import dev.kafkarest.http.RestRequest;
import dev.kafkarest.http.RestResponse;
import dev.kafkarest.http.Router;
import dev.kafkarest.kafka.TopicAdmin;
import dev.kafkarest.security.AccessGuard;
import dev.kafkarest.security.Operation;
import dev.kafkarest.security.Resource;
import dev.kafkarest.stream.EventId;
import dev.kafkarest.stream.EventStreams;
import dev.kafkarest.stream.StartPosition;
import dev.kafkarest.stream.TopicEventStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * {@code GET /topics/{topic}/events} with {@code Accept: text/event-stream}, an extension of this proxy: the
 * topic's records as Server-Sent Events, from a consumer without a group. Everything that can be refused is
 * refused before the stream starts (403, 400, 404, 422, 429); the stream itself is a {@link TopicEventStream}.
 */
public final class TopicEventsEndpoint implements Endpoint {
  public static final String EVENT_STREAM = "text/event-stream";

  private final TopicAdmin topics;
  private final RecordFormats formats;
  private final EventStreams streams;
  private final Supplier<Consumer<byte[], byte[]>> consumers;
  private final AccessGuard guard;

  public TopicEventsEndpoint(TopicAdmin topics, RecordFormats formats, EventStreams streams,
                             Supplier<Consumer<byte[], byte[]>> consumers, AccessGuard guard) {
    this.topics = topics;
    this.formats = formats;
    this.streams = streams;
    this.consumers = consumers;
    this.guard = guard;
  }

  @Override
  public void routes(Router.Builder routes) {
    routes.add("GET", "/topics/{topic}/events", Set.of(), List.of(new MediaTypes.Offer(EVENT_STREAM, 1.0)),
        (req, p) -> {
          if (!req.method().equals("GET")) {
            throw Errors.methodNotAllowed(); // a HEAD would open a stream nobody reads
          }
          String topic = p.get("topic");
          guard.require(req, Operation.CONSUME, Resource.topic(topic));
          RecordFormat format = formats.get(format(req));
          StartPosition start = StartPosition.parse(req.queryParam("start").orElse(null));
          Set<Integer> wanted = partitions(req.queryParam("partitions").orElse(null));
          EventId resume = lastEventId(req);
          return topics.describe(topic).handle((description, failure) -> {
            if (failure != null) {
              throw notFoundOr(failure);
            }
            List<Integer> partitions = choose(description, wanted);
            if (resume != null) {
              resume.positions().keySet().stream().filter(q -> !partitions.contains(q)).findFirst().ifPresent(q -> {
                throw Errors.badRequest("Last-Event-ID names partition " + q + ", which this stream does not read.");
              });
            }
            return partitions;
          }).thenCompose(partitions -> startPositions(topic, partitions,
              resume == null ? Map.of() : resume.positions(), start)).thenApply(positions -> {
                EventStreams.Slot slot = streams.open();
                TopicEventStream stream = new TopicEventStream(streams, slot, consumers, format, topic, positions);
                return new RestResponse(200, Map.of("Content-Type", List.of(EVENT_STREAM),
                    "Cache-Control", List.of("no-cache"), "X-Accel-Buffering", List.of("no")), stream);
              });
        });
  }

  /**
   * A concrete offset for every partition, so the first event's id already says where each stands: the resumed
   * ones from the id, the others from the start position (a timestamp no record reaches yet: the end).
   */
  private CompletionStage<Map<Integer, Long>> startPositions(String topic, List<Integer> partitions,
                                                            Map<Integer, Long> resumed, StartPosition start) {
    Map<Integer, Long> positions = new TreeMap<>(resumed);
    List<TopicPartition> open = new ArrayList<>();
    partitions.stream().filter(p -> !resumed.containsKey(p)).forEach(p -> open.add(new TopicPartition(topic, p)));
    if (open.isEmpty()) {
      return CompletableFuture.completedFuture(positions);
    }
    OffsetSpec spec = switch (start.kind()) {
      case EARLIEST -> OffsetSpec.earliest();
      case LATEST -> OffsetSpec.latest();
      case TIMESTAMP -> OffsetSpec.forTimestamp(start.timestampMs());
    };
    return topics.offsets(open, spec).thenCompose(found -> {
      found.forEach((tp, offset) -> positions.put(tp.partition(), offset));
      List<TopicPartition> notYet = open.stream().filter(tp -> found.getOrDefault(tp, -1L) < 0).toList();
      if (notYet.isEmpty()) {
        return CompletableFuture.completedFuture(positions);
      }
      return topics.offsets(notYet, OffsetSpec.latest()).thenApply(ends -> {
        ends.forEach((tp, offset) -> positions.put(tp.partition(), offset));
        return positions;
      });
    });
  }

  private static EmbeddedFormat format(RestRequest req) {
    String name = req.queryParam("format").orElse("binary");
    return EmbeddedFormat.fromName(name).orElseThrow(() -> Errors.badRequest(
        "format must be one of binary, json, avro, jsonschema, protobuf."));
  }

  /** {@code partitions=0,2}: a subset of the topic's partitions; none given means all of them. */
  private static Set<Integer> partitions(String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    Set<Integer> wanted = new TreeSet<>();
    for (String part : text.split(",", -1)) {
      String digits = part.trim();
      if (digits.isEmpty() || digits.length() > 9 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
        throw Errors.badRequest("partitions must be a comma-separated list of partition numbers.");
      }
      wanted.add(Integer.parseInt(digits));
    }
    return wanted;
  }

  /** The {@code Last-Event-ID} header (what EventSource sends on reconnect), or the {@code last_event_id} query. */
  private static EventId lastEventId(RestRequest req) {
    String id = req.header("Last-Event-ID").or(() -> req.queryParam("last_event_id")).orElse(null);
    return id == null || id.isBlank() ? null : EventId.parse(id);
  }

  private static List<Integer> choose(TopicDescription description, Set<Integer> wanted) {
    List<Integer> all = new ArrayList<>();
    for (TopicPartitionInfo p : description.partitions()) {
      all.add(p.partition());
    }
    all.sort(null);
    if (wanted == null) {
      return all;
    }
    for (int p : wanted) {
      if (!all.contains(p)) {
        throw Errors.partitionNotFound();
      }
    }
    return List.copyOf(wanted);
  }

  private static RuntimeException notFoundOr(Throwable failure) {
    Throwable cause = failure instanceof CompletionException && failure.getCause() != null
        ? failure.getCause() : failure;
    if (cause instanceof UnknownTopicOrPartitionException) {
      return new RestException(Errors.NOT_FOUND, Errors.TOPIC_NOT_FOUND, "Topic not found.");
    }
    return ExceptionMapper.toRestException(cause);
  }
}
