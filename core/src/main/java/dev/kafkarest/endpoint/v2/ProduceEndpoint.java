package dev.kafkarest.endpoint.v2;

import dev.kafkarest.error.Errors;
import dev.kafkarest.error.ExceptionMapper;
import dev.kafkarest.format.EmbeddedFormat;
import dev.kafkarest.format.RecordEncoder;
import dev.kafkarest.format.RecordFormat;
import dev.kafkarest.format.RecordFormats;
import dev.kafkarest.http.Endpoint;
import dev.kafkarest.http.PathParams;
import dev.kafkarest.http.RestRequest;
import dev.kafkarest.http.RestResponse;
import dev.kafkarest.http.Router;
import dev.kafkarest.idempotency.KeyedRequests;
import dev.kafkarest.kafka.RecordProducer;
import dev.kafkarest.security.AccessGuard;
import dev.kafkarest.security.Operation;
import dev.kafkarest.security.Resource;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.InvalidTopicException;

/**
 * v2 produce: {@code POST /topics/{topic}} and {@code POST /topics/{topic}/partitions/{partition}}. Every record
 * of a request is handed to the shared producer at once; the answer waits for all acknowledgements and lists
 * one result per record, in request order.
 */
public final class ProduceEndpoint implements Endpoint {
  private final RecordProducer producer;
  private final RecordFormats formats;
  private final int maxRecords;
  private final AccessGuard guard;
  private final KeyedRequests keyed;

  public ProduceEndpoint(RecordProducer producer, RecordFormats formats, int maxRecords,
                         AccessGuard guard) {
    this(producer, formats, maxRecords, guard, null);
  }

  /** With {@code keyed}, a request with an {@code Idempotency-Key} is produced once, in a transaction. */
  public ProduceEndpoint(RecordProducer producer, RecordFormats formats, int maxRecords,
                         AccessGuard guard, KeyedRequests keyed) {
    this.producer = producer;
    this.guard = guard;
    this.formats = formats;
    this.maxRecords = maxRecords;
    this.keyed = keyed;
  }

  @Override
  public void routes(Router.Builder routes) {
    routes.add("POST", "/topics/{topic}", V2Types.READ_EMBEDDED, V2Types.ANSWER_V2_OR_EMBEDDED,
        (req, p) -> produce(req, p.get("topic"), null));
    routes.add("POST", "/topics/{topic}/partitions/{partition}", V2Types.READ_EMBEDDED,
        V2Types.ANSWER_V2_OR_EMBEDDED, (req, p) -> produce(req, p.get("topic"), p.getInt("partition")));
  }

  private CompletionStage<RestResponse> produce(RestRequest req, String topic, Integer pathPartition)
      throws Exception {
    guard.require(req, Operation.PRODUCE, Resource.topic(topic));
    if (keyed == null) {
      return prepare(req, topic, pathPartition).thenCompose(send -> send.to(producer));
    }
    return keyed.run(req, r -> prepare(r, topic, pathPartition));
  }

  /** Reads the body and encodes every record (a record that does not convert fails the request here). */
  private CompletionStage<KeyedRequests.Send> prepare(RestRequest req, String topic, Integer pathPartition)
      throws Exception {
    EmbeddedFormat embedded = req.header("Content-Type").flatMap(EmbeddedFormat::fromMediaType)
        .orElseThrow(() -> Errors.unsupportedMediaType(req.header("Content-Type").orElse(null),
            V2Types.READ_EMBEDDED));
    RecordFormat format = formats.get(embedded);
    ProduceRequestReader.ParsedRequest parsed = new ProduceRequestReader(format, maxRecords)
        .read(req.body(), req.contentLength());
    return format.encoder(topic, parsed.schemas())
        .thenApply(encoder -> encoded(topic, pathPartition, parsed.records(), encoder));
  }

  private static KeyedRequests.Send encoded(String topic, Integer pathPartition,
                                            List<ProduceRequestReader.ParsedRecord> records, RecordEncoder encoder) {
    int n = records.size();
    byte[][] keys = new byte[n][];
    byte[][] values = new byte[n][];
    for (int i = 0; i < n; i++) {
      // Encode everything first: a record that does not convert fails the request before anything is sent.
      ProduceRequestReader.ParsedRecord r = records.get(i);
      keys[i] = encoder.encode(r.key(), true);
      values[i] = encoder.encode(r.value(), false);
    }
    return producer -> send(producer, topic, pathPartition, records, encoder, keys, values);
  }

  private static CompletionStage<RestResponse> send(RecordProducer producer, String topic, Integer pathPartition,
                                                    List<ProduceRequestReader.ParsedRecord> records,
                                                    RecordEncoder encoder, byte[][] keys, byte[][] values) {
    int n = records.size();
    ProduceResults results = new ProduceResults(n, encoder.keySchemaId(), encoder.valueSchemaId());
    int partitionCount;
    try {
      // One metadata look-up per request, bounded by max.block.ms; cached by the producer after the first.
      partitionCount = producer.partitionCount(topic);
    } catch (InvalidTopicException e) {
      throw e;
    } catch (RuntimeException e) {
      for (int i = 0; i < n; i++) {
        results.failed(i, e);
      }
      return CompletableFuture.completedFuture(results.toResponse());
    }
    for (int i = 0; i < n; i++) {
      Integer partition = records.get(i).partition() != null ? records.get(i).partition() : pathPartition;
      if (partition != null && (partition < 0 || partition >= partitionCount)) {
        results.failed(i, Errors.partitionNotFound());
        continue;
      }
      int index = i;
      ProduceRequestReader.ParsedRecord r = records.get(i);
      producer.send(new ProducerRecord<>(topic, partition, r.timestamp(), keys[i], values[i], r.headers()))
          .whenComplete((metadata, failure) -> {
        if (failure != null) {
          results.failed(index, ExceptionMapper.unwrap(failure));
        } else {
          results.succeeded(index, metadata.partition(), metadata.offset());
        }
      });
    }
    return results.completion();
  }
}
