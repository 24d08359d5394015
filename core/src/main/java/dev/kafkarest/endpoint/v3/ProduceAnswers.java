package dev.kafkarest.endpoint.v3;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kafkarest.endpoint.v3.RecordPublisher.Produced;
import dev.kafkarest.endpoint.v3.RecordSerializer.Serialized;
import dev.kafkarest.error.ExceptionMapper;
import dev.kafkarest.error.RestException;
import dev.kafkarest.http.Json;
import java.time.Instant;
import org.apache.kafka.clients.producer.RecordMetadata;

/** The per-record answer objects of v3 produce (Confluent's ProduceResponse and StreamingResponse errors). */
final class ProduceAnswers {
  private ProduceAnswers() {}

  /** {@code cluster_id, topic_name, partition_id, offset, timestamp, key?, value?} onto {@code node}. */
  static ObjectNode success(ObjectNode node, String clusterId, String topic, Produced produced) {
    RecordMetadata m = produced.metadata();
    node.put("cluster_id", clusterId).put("topic_name", topic).put("partition_id", m.partition())
        .put("offset", m.offset());
    if (m.hasTimestamp()) {
      node.put("timestamp", Instant.ofEpochMilli(m.timestamp()).toString());
    }
    side(node, "key", produced.prepared().key(), m.serializedKeySize());
    side(node, "value", produced.prepared().value(), m.serializedValueSize());
    return node;
  }

  private static void side(ObjectNode node, String field, Serialized s, int size) {
    if (s.type() == null) {
      return;
    }
    ObjectNode data = node.putObject(field).put("type", s.type().name());
    if (s.schema() != null) {
      data.put("subject", s.schema().subject()).put("schema_id", s.schema().id())
          .put("schema_version", s.schema().version());
    }
    data.put("size", size);
  }

  /**
   * {@code error_code, message} onto {@code node}. Schema and payload errors (422 with a 422xx code) come out as
   * 422 with the code inside the message, as Confluent's constraint-violation mapper writes them; only the
   * message's first line is kept.
   */
  static ObjectNode error(ObjectNode node, Throwable failure) {
    RestException e = ExceptionMapper.toRestException(failure);
    int code = e.errorCode();
    String message = e.getMessage() == null ? "" : e.getMessage();
    if (e.status() == 422 && code / 100 == 422) {
      message = "Error: " + code + " : " + message;
      code = 422;
    }
    int newline = message.indexOf('\n');
    return node.put("error_code", code).put("message", newline < 0 ? message : message.substring(0, newline));
  }

  static ObjectNode streamed(String clusterId, String topic, Produced produced) {
    return success(Json.MAPPER.createObjectNode().put("error_code", 200), clusterId, topic, produced);
  }

  static ObjectNode streamedError(Throwable failure) {
    return error(Json.MAPPER.createObjectNode(), failure);
  }
}
