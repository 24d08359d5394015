package dev.kafkarest.endpoint.v2;

import dev.kafkarest.http.Endpoint;
import dev.kafkarest.http.Json;
import dev.kafkarest.http.MediaTypes;
import dev.kafkarest.http.RestResponse;
import dev.kafkarest.http.Router;
import dev.kafkarest.kafka.TopicAdmin;
import dev.kafkarest.security.AccessGuard;
import dev.kafkarest.security.Operation;
import dev.kafkarest.security.Resource;
import dev.kafkarest.model.PartitionInfo;
import dev.kafkarest.model.PartitionOffsets;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.TopicPartition;

/** Partition metadata and the earliest/latest offsets of one partition. */
public final class PartitionsEndpoint implements Endpoint {
  private final TopicAdmin topics;
  private final AccessGuard guard;

  public PartitionsEndpoint(TopicAdmin topics, AccessGuard guard) {
    this.topics = topics;
    this.guard = guard;
  }

  private String topic(dev.kafkarest.http.RestRequest req, dev.kafkarest.http.PathParams p) {
    guard.require(req, Operation.DESCRIBE, Resource.topic(p.get("topic")));
    return p.get("topic");
  }

  @Override
  public void routes(Router.Builder routes) {
    routes.add("GET", "/topics/{topic}/partitions", V2Types.NO_BODY, V2Types.ANSWER_V2,
        (req, p) -> topics.describe(topic(req, p))
            .thenApply(d -> Json.response(200, MediaTypes.V2, PartitionInfo.of(d))));
    routes.add("GET", "/topics/{topic}/partitions/{partition}", V2Types.NO_BODY, V2Types.ANSWER_V2,
        (req, p) -> topics.partition(topic(req, p), p.getInt("partition"))
            .thenApply(info -> Json.response(200, MediaTypes.V2, PartitionInfo.of(info))));
    routes.add("GET", "/topics/{topic}/partitions/{partition}/offsets", V2Types.NO_BODY, V2Types.ANSWER_V2,
        (req, p) -> offsets(topic(req, p), p.getInt("partition")));
  }

  private CompletionStage<RestResponse> offsets(String topic, int partition) {
    return topics.partition(topic, partition)
        .thenCompose(info -> topics.offsets(new TopicPartition(topic, partition)))
        .thenApply(range -> Json.response(200, MediaTypes.V2, new PartitionOffsets(range.earliest(), range.latest())));
  }
}
