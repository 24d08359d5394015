package dev.kafkarest.endpoint;

import dev.kafkarest.error.Errors;
import dev.kafkarest.http.Endpoint;
import dev.kafkarest.http.Json;
import dev.kafkarest.http.MediaTypes;
import dev.kafkarest.http.RestResponse;
import dev.kafkarest.http.Router;
import dev.kafkarest.security.AccessGuard;
import dev.kafkarest.security.Operation;
import dev.kafkarest.security.Resource;
import dev.kafkarest.model.PartitionInfo;
import dev.kafkarest.model.PartitionOffsets;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

/** Partition metadata and the earliest/latest offsets of one partition. */
public final class PartitionsEndpoint implements Endpoint {
  private final Admin admin;
  private final AccessGuard guard;

  public PartitionsEndpoint(Admin admin, AccessGuard guard) {
    this.admin = admin;
    this.guard = guard;
  }

  private String topic(dev.kafkarest.http.RestRequest req, dev.kafkarest.http.PathParams p) {
    guard.require(req, Operation.DESCRIBE, Resource.topic(p.get("topic")));
    return p.get("topic");
  }

  @Override
  public void routes(Router.Builder routes) {
    routes.add("GET", "/topics/{topic}/partitions", V2Types.NO_BODY, V2Types.ANSWER_V2,
        (req, p) -> TopicsEndpoint.describe(admin, topic(req, p))
            .thenApply(d -> Json.response(200, MediaTypes.V2, PartitionInfo.of(d))));
    routes.add("GET", "/topics/{topic}/partitions/{partition}", V2Types.NO_BODY, V2Types.ANSWER_V2,
        (req, p) -> partition(topic(req, p), p.getInt("partition"))
            .thenApply(info -> Json.response(200, MediaTypes.V2, info)));
    routes.add("GET", "/topics/{topic}/partitions/{partition}/offsets", V2Types.NO_BODY, V2Types.ANSWER_V2,
        (req, p) -> offsets(topic(req, p), p.getInt("partition")));
  }

  private CompletionStage<PartitionInfo> partition(String topic, int partition) {
    return TopicsEndpoint.describe(admin, topic).thenApply(d -> PartitionInfo.of(d).stream()
        .filter(info -> info.partition() == partition)
        .findFirst()
        .orElseThrow(Errors::partitionNotFound));
  }

  private CompletionStage<RestResponse> offsets(String topic, int partition) {
    TopicPartition tp = new TopicPartition(topic, partition);
    return partition(topic, partition)
        .thenCompose(info -> offset(tp, OffsetSpec.earliest())
            .thenCombine(offset(tp, OffsetSpec.latest()),
                (earliest, latest) -> Json.response(200, MediaTypes.V2,
                    new PartitionOffsets(earliest.offset(), latest.offset()))));
  }

  private CompletionStage<ListOffsetsResultInfo> offset(TopicPartition tp, OffsetSpec spec) {
    return admin.listOffsets(Map.of(tp, spec)).partitionResult(tp).toCompletionStage();
  }
}
