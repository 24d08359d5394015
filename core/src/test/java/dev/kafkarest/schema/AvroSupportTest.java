package dev.kafkarest.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kafkarest.error.RestException;
import dev.kafkarest.http.Json;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The per-thread Avro JSON decoders and encoders: shared schemas, many threads, failures do not linger. */
class AvroSupportTest {
  final AvroSupport avro = new AvroSupport();
  final AvroSupport.AvroSchema schema = avro.parse(AvroFormatTest.USER, Map.of());

  String roundTrip(String json) throws Exception {
    byte[] payload = avro.serialize(schema, Json.MAPPER.readTree(json));
    return avro.toJson(schema, ByteBuffer.wrap(payload));
  }

  @Test
  void aFailedConversionDoesNotPoisonTheNextOnTheSameThread() throws Exception {
    assertThrows(RestException.class, () -> roundTrip("{\"name\":\"A\",\"age\":\"x\"}"));
    assertThrows(RestException.class, () -> roundTrip("{\"name\":\"A\"}"));
    assertEquals("{\"name\":\"B\",\"age\":2}", roundTrip("{\"name\":\"B\",\"age\":2}"));
  }

  @Test
  void manyThreadsShareOneParsedSchema() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int thread = t;
        done.add(pool.submit(() -> {
          for (int i = 0; i < 500; i++) {
            String json = "{\"name\":\"n" + thread + "-" + i + "\",\"age\":" + i + "}";
            assertEquals(json, roundTrip(json));
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
