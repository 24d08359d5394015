package dev.kafkarest.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kafkarest.KafkaRest;
import dev.kafkarest.KafkaRestConfig;
import dev.kafkarest.format.EmbeddedFormat;
import dev.kafkarest.format.RecordFormat;
import dev.kafkarest.format.RecordFormats;
import dev.kafkarest.http.MediaTypes;
import dev.kafkarest.testing.DirectCalls;
import dev.kafkarest.testing.FakeSchemaRegistry;
import dev.kafkarest.testing.SharedKafka;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** No registry, a dead registry, a slow registry: always a clear 4xx within the configured bound. */
@ExtendWith(SharedKafka.class)
class RegistryFailuresTest {
  static final String BODY = "{\"value_schema\":\"\\\"string\\\"\",\"records\":[{\"value\":\"x\"}]}";

  static KafkaRestConfig.Builder config() {
    return KafkaRestConfig.builder().bootstrapServers(SharedKafka.bootstrapServers());
  }

  @Test
  void noRegistryConfiguredIs42206ForEverySchemaFormat() {
    try (KafkaRest rest = KafkaRest.create(config().build())) {
      DirectCalls calls = new DirectCalls(rest);
      for (String type : new String[] {MediaTypes.AVRO_V2, MediaTypes.JSONSCHEMA_V2, MediaTypes.PROTOBUF_V2}) {
        DirectCalls.Reply reply = calls.post("/topics/anything", type, BODY);
        assertEquals(422, reply.status(), reply.body());
        assertEquals(42206, reply.json().get("error_code").asInt());
      }
    }
  }

  @Test
  void deadRegistryOnProduceIs42207Quickly() throws Exception {
    String closed = SchemaRegistryClientTest.closedUrl();
    try (KafkaRest rest = KafkaRest.create(config().schemaRegistryUrl(closed).build())) {
      long start = System.nanoTime();
      DirectCalls.Reply reply = new DirectCalls(rest).post("/topics/anything", MediaTypes.AVRO_V2, BODY);
      assertEquals(422, reply.status(), reply.body());
      assertEquals(42207, reply.json().get("error_code").asInt());
      assertTrue(reply.json().get("message").asText().contains("Schema Registry is unreachable"), reply.body());
      assertFalse(reply.body().contains("127.0.0.1"), "no URL in the answer");
      assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5));
    }
  }

  @Test
  void slowRegistryIsBoundedOnProduceAndOnDecode() throws Exception {
    try (FakeSchemaRegistry registry = new FakeSchemaRegistry().start()) {
      int id = registry.register("slow-value", "AVRO", "\"string\"");
      registry.setDelayMillis(5000);
      KafkaRestConfig config = config().schemaRegistryUrl(registry.url())
          .set(RegistrySettings.REQUEST_TIMEOUT_MS, "400").build();
      RecordFormats formats = SchemaFormats.forConfig(config);
      try (KafkaRest rest = KafkaRest.builder(config).formats(formats).build()) {
        long start = System.nanoTime();
        DirectCalls.Reply reply = new DirectCalls(rest).post("/topics/slow", MediaTypes.AVRO_V2, BODY);
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertEquals(422, reply.status(), reply.body());
        assertEquals(42207, reply.json().get("error_code").asInt());
        assertTrue(reply.json().get("message").asText().contains("did not answer within 400 ms"), reply.body());
        assertTrue(ms < 3000, "took " + ms + " ms");

        RecordFormat avro = formats.get(EmbeddedFormat.AVRO);
        byte[] record = SchemaTestKit.concat(SchemaTestKit.header(id), SchemaTestKit.bytes(2, 'a'));
        start = System.nanoTime();
        SerializationException e = assertThrows(SerializationException.class, () -> avro.decode("slow", false, record));
        ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(e.getMessage().contains("did not answer"), e.getMessage());
        assertTrue(ms < 3000, "took " + ms + " ms");

        registry.setDelayMillis(0);
        assertEquals("\"a\"", SchemaTestKit.render(avro.decode("slow", false, record)), "recovers once it answers");
      }
    }
  }
}
