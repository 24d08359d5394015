package dev.kafkarest.endpoint.v3;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kafkarest.KafkaRestConfig;
import dev.kafkarest.endpoint.v3.RecordPublisher.Prepared;
import dev.kafkarest.endpoint.v3.RecordPublisher.Produced;
import dev.kafkarest.error.Errors;
import dev.kafkarest.error.LimitExceeded;
import dev.kafkarest.error.RestException;
import dev.kafkarest.http.Body;
import dev.kafkarest.http.Json;
import dev.kafkarest.http.MediaTypes;
import dev.kafkarest.http.RestRequest;
import dev.kafkarest.http.RestResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A streaming produce body sent with an {@code Idempotency-Key}: one key covers the whole request. The body is
 * read to its end first (the key's fingerprint needs all of it; bounded by {@code request.max.bytes} and
 * {@code produce.max.records}), its records are sent in one transaction, and the answer is the same lines, in
 * the same order, that the stream gives without a key: one per record, CRLF after each, and a malformed record
 * ends the body with its 400 line. The answer is complete (and stored) when every record is acknowledged.
 */
final class KeyedProduceStream {
  private final ProduceRateLimits rateLimits;
  private final long maxRecordBytes;
  private final int maxRecords;

  KeyedProduceStream(ProduceRateLimits rateLimits, long maxRecordBytes, int maxRecords) {
    this.rateLimits = rateLimits;
    this.maxRecordBytes = maxRecordBytes;
    this.maxRecords = maxRecords;
  }

  /** A body read to its end: its records, and the line a malformed record ends it with (or null). */
  record Lines(List<Line> records, byte[] last) {}

  /** One record's JSON and its size in the body. */
  record Line(JsonNode node, long bytes) {}

  /**
   * Reads the whole body, before anything is claimed or produced: a body over {@code produce.max.records} is refused
   * as a whole (422). A malformed record ends the body, as in an unkeyed stream.
   */
  Lines read(RestRequest req) throws IOException {
    RecordStream records = new RecordStream(Latin1Body.utf8(req), maxRecordBytes);
    List<Line> lines = new ArrayList<>();
    while (true) {
      JsonNode node;
      try {
        node = records.next();
      } catch (RestException malformed) {
        return new Lines(lines, ProduceStream.line(malformed)); // where an unkeyed stream ends too
      }
      if (node == null) {
        return new Lines(lines, null);
      }
      if (lines.size() >= maxRecords) {
        throw new LimitExceeded(KafkaRestConfig.PRODUCE_MAX_RECORDS, Errors.UNPROCESSABLE, Errors.UNPROCESSABLE,
            "Too many records in one request with an Idempotency-Key: the limit is " + maxRecords + ".");
      }
      lines.add(new Line(node, records.recordBytes()));
    }
  }

  /** Produces what {@link #read} gave, and answers with the lines an unkeyed stream would have sent. */
  CompletionStage<RestResponse> produce(Lines lines, RecordPublisher publisher, String clusterId, String topic) {
    List<CompletableFuture<Prepared>> prepared = new ArrayList<>();
    for (Line line : lines.records()) {
      prepared.add(prepare(publisher, clusterId, topic, line.node(), line.bytes()));
    }
    return CompletableFuture.allOf(prepared.toArray(CompletableFuture[]::new))
        .handle((ignored, failure) -> publisher.sendInOrder(topic, prepared))
        .thenCompose(produced -> CompletableFuture.allOf(produced.toArray(CompletableFuture[]::new))
            .handle((ignored, failure) -> answer(clusterId, topic, produced, lines.last())));
  }

  private CompletableFuture<Prepared> prepare(RecordPublisher publisher, String clusterId, String topic,
                                              JsonNode node, long bytes) {
    try {
      ProduceRecord record = ProduceStream.record(node);
      rateLimits.admit(clusterId, () -> bytes);
      return publisher.prepare(topic, record);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private static RestResponse answer(String clusterId, String topic, List<CompletableFuture<Produced>> produced,
                                     byte[] last) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    for (CompletableFuture<Produced> p : produced) {
      body.writeBytes(p.handle((result, failure) -> failure == null
          ? Json.bytes(ProduceAnswers.streamed(clusterId, topic, result)) : ProduceStream.line(failure)).join());
      body.writeBytes(ProduceStream.SEPARATOR);
    }
    if (last != null) {
      body.writeBytes(last);
      body.writeBytes(ProduceStream.SEPARATOR);
    }
    return RestResponse.of(200, MediaTypes.JSON, Body.of(body.toByteArray()));
  }
}
