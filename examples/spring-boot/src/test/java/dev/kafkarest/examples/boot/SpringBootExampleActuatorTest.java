package dev.kafkarest.examples.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kafkarest.testing.HttpCalls;
import dev.kafkarest.testing.SharedKafka;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The proxy's health on Actuator's health page, and its meters in Boot's MeterRegistry. */
@ExtendWith(SharedKafka.class)
class SpringBootExampleActuatorTest {
  @Test
  void actuatorShowsTheProxyHealthAndItsMeters() {
    try (ExampleHost host = ExampleHost.withProperties(
        "--kafka.rest.bootstrap.servers=" + SharedKafka.bootstrapServers())) {
      HttpCalls app = new HttpCalls(host.uri("")).unchecked(); // Actuator's paths are the host's, not the proxy's
      HttpCalls.Reply health = app.get("/actuator/health");
      assertEquals(200, health.status(), health::toString);
      JsonNode proxy = health.json().get("components").get("kafkaRest");
      assertEquals("UP", proxy.get("status").asText(), health::toString);
      assertEquals(1, proxy.get("details").get("kafka").get("details").get("brokers").asInt(), health::toString);

      assertEquals(200, app.get("/kafka/brokers").status());
      HttpCalls.Reply requests = app.get("/actuator/metrics/kafka.rest.http.requests?tag=route:/brokers");
      assertEquals(200, requests.status(), requests::toString);
      JsonNode count = requests.json().get("measurements").get(0);
      assertEquals("COUNT", count.get("statistic").asText(), requests::toString);
      assertEquals(1.0, count.get("value").asDouble(), requests::toString);
      assertEquals(200, app.get("/actuator/metrics/kafka.producer.record.send.total").status(),
          "the producer's own metrics");
      assertTrue(app.get("/actuator/metrics").body().contains("kafka.rest.consumer.instances"));
    }
  }
}
