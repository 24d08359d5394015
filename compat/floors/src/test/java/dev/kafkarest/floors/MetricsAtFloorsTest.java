package dev.kafkarest.floors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kafkarest.KafkaRest;
import dev.kafkarest.KafkaRestConfig;
import dev.kafkarest.http.MediaTypes;
import dev.kafkarest.metrics.MicrometerMetrics;
import dev.kafkarest.testing.DirectCalls;
import dev.kafkarest.testing.SharedKafka;
import dev.kafkarest.testing.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The meters at Micrometer's floor (1.14) and kafka-clients' (3.7): Micrometer's Kafka binders included. */
@ExtendWith(SharedKafka.class)
class MetricsAtFloorsTest {
  @Test
  void metersAndKafkaClientMetricsAtTheFloors() {
    String topic = Topics.create(SharedKafka.bootstrapServers(), 1);
    MeterRegistry registry = new SimpleMeterRegistry();
    KafkaRestConfig config = KafkaRestConfig.builder().bootstrapServers(SharedKafka.bootstrapServers()).build();
    try (KafkaRest rest = KafkaRest.builder(config).metrics(MicrometerMetrics.of(registry)).build()) {
      DirectCalls calls = new DirectCalls(rest);
      assertEquals(200, calls.post("/topics/" + topic, MediaTypes.BINARY_V2,
          "{\"records\":[{\"value\":\"aGVsbG8=\"}]}").status());
      assertEquals(1, registry.get(MicrometerMetrics.PRODUCE_ACK).timer().count());
      assertEquals(1, registry.get(MicrometerMetrics.HTTP_REQUESTS).tag("route", "/topics/{topic}").timer().count());
      assertTrue(registry.getMeters().stream().anyMatch(m -> m.getId().getName().startsWith("kafka.producer.")));
      assertTrue(rest.health().isUp(), rest.health().toString());
    }
    assertEquals(0, registry.getMeters().size());
  }
}
