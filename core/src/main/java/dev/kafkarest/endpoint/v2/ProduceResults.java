package dev.kafkarest.endpoint.v2;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.kafkarest.error.Errors;
import dev.kafkarest.error.ExceptionMapper;
import dev.kafkarest.http.Json;
import dev.kafkarest.http.MediaTypes;
import dev.kafkarest.http.RestResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Collects the outcome of each record of one produce request (callbacks arrive on the producer's thread) and
 * writes Confluent's answer: {@code {"offsets": [...], "key_schema_id", "value_schema_id"}}.
 */
final class ProduceResults {
  private final int[] partitions;
  private final long[] offsets;
  private final Throwable[] failures;
  private final Integer keySchemaId;
  private final Integer valueSchemaId;
  private final AtomicInteger pending;
  private final CompletableFuture<RestResponse> done = new CompletableFuture<>();

  ProduceResults(int size, Integer keySchemaId, Integer valueSchemaId) {
    this.partitions = new int[size];
    this.offsets = new long[size];
    this.failures = new Throwable[size];
    this.keySchemaId = keySchemaId;
    this.valueSchemaId = valueSchemaId;
    this.pending = new AtomicInteger(size);
  }

  void succeeded(int index, int partition, long offset) {
    partitions[index] = partition;
    offsets[index] = offset;
    countDown();
  }

  void failed(int index, Throwable failure) {
    failures[index] = failure;
    countDown();
  }

  private void countDown() {
    // The atomic decrement publishes the array writes above to whichever thread completes the answer.
    if (pending.decrementAndGet() == 0) {
      done.complete(toResponse());
    }
  }

  CompletionStage<RestResponse> completion() {
    return done;
  }

  RestResponse toResponse() {
    int status = 200;
    for (Throwable failure : failures) {
      if (failure == null) {
        continue;
      }
      int code = ExceptionMapper.produceErrorCode(failure);
      if (code == Errors.KAFKA_AUTHENTICATION) {
        status = 401;
        break;
      }
      if (code == Errors.KAFKA_AUTHORIZATION) {
        status = 403;
        break;
      }
    }
    return RestResponse.of(status, MediaTypes.V2, out -> {
      try (JsonGenerator g = Json.generator(out)) {
        g.writeStartObject();
        g.writeArrayFieldStart("offsets");
        for (int i = 0; i < failures.length; i++) {
          writeOffset(g, i);
        }
        g.writeEndArray();
        writeNullableInt(g, "key_schema_id", keySchemaId);
        writeNullableInt(g, "value_schema_id", valueSchemaId);
        g.writeEndObject();
      }
    });
  }

  private void writeOffset(JsonGenerator g, int i) throws java.io.IOException {
    g.writeStartObject();
    Throwable failure = failures[i];
    if (failure == null) {
      g.writeNumberField("partition", partitions[i]);
      g.writeNumberField("offset", offsets[i]);
      g.writeNullField("error_code");
      g.writeNullField("error");
    } else {
      g.writeNullField("partition");
      g.writeNullField("offset");
      g.writeNumberField("error_code", ExceptionMapper.produceErrorCode(failure));
      g.writeStringField("error", ExceptionMapper.safeKafkaMessage(failure));
    }
    g.writeEndObject();
  }

  private static void writeNullableInt(JsonGenerator g, String name, Integer value) throws java.io.IOException {
    if (value == null) {
      g.writeNullField(name);
    } else {
      g.writeNumberField(name, value);
    }
  }
}
