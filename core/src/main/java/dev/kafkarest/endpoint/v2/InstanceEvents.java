package dev.kafkarest.endpoint.v2;

import dev.kafkarest.consumer.ConsumerInstance;
import dev.kafkarest.consumer.ConsumerRegistry;
import dev.kafkarest.error.Errors;
import dev.kafkarest.http.MediaTypes;
import dev.kafkarest.http.RestRequest;
import dev.kafkarest.http.RestResponse;
import dev.kafkarest.stream.EventStreams;
import dev.kafkarest.stream.InstanceEventStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@code GET .../records} with {@code Accept: text/event-stream} (an extension): the instance's records as a
 * stream of events. Only an Accept that names the type asks for it, so no v2 client gets a stream by surprise.
 */
final class InstanceEvents {
  static final String EVENT_STREAM = "text/event-stream";

  private InstanceEvents() {}

  static boolean asked(RestRequest req) {
    String accept = req.header("Accept").orElse(null);
    if (accept == null) {
      return false;
    }
    for (String part : accept.split(",")) {
      if (EVENT_STREAM.equals(MediaTypes.essence(part))) {
        return true;
      }
    }
    return false;
  }

  static CompletionStage<RestResponse> open(RestRequest req, ConsumerRegistry registry, ConsumerInstance instance,
                                            EventStreams streams, long timeout, long maxBytes) {
    if (!req.method().equals("GET")) {
      throw Errors.methodNotAllowed(); // a HEAD would open a stream nobody reads
    }
    EventStreams.Slot slot = streams.open();
    InstanceEventStream stream = new InstanceEventStream(streams, slot, registry, instance,
        registry.readTimeoutMs(instance, timeout), registry.readMaxBytes(maxBytes));
    return CompletableFuture.completedFuture(new RestResponse(200, Map.of("Content-Type", List.of(EVENT_STREAM),
        "Cache-Control", List.of("no-cache"), "X-Accel-Buffering", List.of("no")), stream));
  }
}
