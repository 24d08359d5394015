package dev.kafkarest.classpath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kafkarest.KafkaRest;
import dev.kafkarest.KafkaRestConfig;
import dev.kafkarest.http.MediaTypes;
import dev.kafkarest.testing.DirectCalls;
import dev.kafkarest.testing.SharedKafka;
import dev.kafkarest.testing.Topics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A host without Micrometer (the surefire execution "without-micrometer" removes it from the classpath): the
 * proxy starts, produces, consumes and answers its health: none of it needs a Micrometer class.
 */
@ExtendWith(SharedKafka.class)
class WithoutMicrometerTest {
  @Test
  void theProxyRunsWithoutMicrometer() throws Exception {
    assertThrows(ClassNotFoundException.class, () -> Class.forName("io.micrometer.core.instrument.MeterRegistry"));
    String topic = Topics.create(SharedKafka.bootstrapServers(), 1);
    try (KafkaRest rest = KafkaRest.create(KafkaRestConfig.builder()
        .bootstrapServers(SharedKafka.bootstrapServers()).build())) {
      DirectCalls calls = new DirectCalls(rest);
      assertEquals(200, calls.post("/topics/" + topic, MediaTypes.BINARY_V2,
          "{\"records\":[{\"value\":\"aGVsbG8=\"}]}").status());
      String base = "/consumers/no-micrometer/instances/reader";
      assertEquals(200, calls.post("/consumers/no-micrometer", MediaTypes.V2,
          "{\"name\":\"reader\",\"format\":\"binary\",\"auto.offset.reset\":\"earliest\"}").status());
      assertEquals(204, calls.post(base + "/subscription", MediaTypes.V2, "{\"topics\":[\"" + topic + "\"]}")
          .status());
      int records = 0;
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (records == 0 && System.nanoTime() < deadline) {
        DirectCalls.Reply read = calls.call("GET", base + "/records?timeout=500", null, null,
            "Accept", MediaTypes.BINARY_V2);
        assertEquals(200, read.status(), read.body());
        records += read.json().size();
      }
      assertEquals(1, records);
      assertTrue(rest.health().isUp(), rest.health().toString());
    }
  }
}
