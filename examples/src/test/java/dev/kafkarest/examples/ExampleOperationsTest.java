package dev.kafkarest.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kafkarest.testing.HttpCalls;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The example server's /metrics and /health, and what it says at start-up about the brokers. */
class ExampleOperationsTest {
  @Test
  void servesPrometheusMetricsAndHealthAndSaysTheBrokersAreReachable() throws Exception {
    Properties props = new Properties();
    props.setProperty("listeners", "http://127.0.0.1:0");
    try (ExampleServer server = ExampleServer.start(props)) {
      ByteArrayOutputStream console = new ByteArrayOutputStream();
      assertTrue(server.reportBrokers(new PrintStream(console, true, StandardCharsets.UTF_8)));
      assertTrue(console.toString(StandardCharsets.UTF_8).contains("is reachable: cluster "), console::toString);

      assertEquals(200, new HttpCalls(server.baseUri()).get("/topics").status());
      HttpCalls root = new HttpCalls(root(server.baseUri())).unchecked(); // the example server's own paths
      HttpCalls.Reply metrics = root.get("/metrics");
      assertEquals(200, metrics.status());
      assertTrue(metrics.contentType().startsWith("text/plain; version=0.0.4"), metrics::toString);
      assertTrue(metrics.body().contains(
          "kafka_rest_http_requests_seconds_count{method=\"GET\",route=\"/topics\",status=\"200\"} 1"),
          metrics::body);
      assertTrue(metrics.body().contains("kafka_producer_"), "the producer's own metrics");

      HttpCalls.Reply health = root.get("/health");
      assertEquals(200, health.status(), health::toString);
      JsonNode json = health.json();
      assertEquals("UP", json.get("status").asText());
      assertEquals("UP", json.get("components").get("kafka").get("status").asText());
      assertEquals(1, json.get("components").get("kafka").get("details").get("brokers").asInt());
      assertEquals("UP", json.get("components").get("schemaRegistry").get("status").asText());
    }
  }

  @Test
  void startsWithUnreachableBrokersAndSaysSo() throws Exception {
    Properties props = new Properties();
    props.setProperty("listeners", "http://127.0.0.1:0");
    props.setProperty("bootstrap.servers", "127.0.0.1:" + closedPort());
    props.setProperty("health.timeout.ms", "500");
    try (ExampleServer server = ExampleServer.start(props)) {
      ByteArrayOutputStream console = new ByteArrayOutputStream();
      assertFalse(server.reportBrokers(new PrintStream(console, true, StandardCharsets.UTF_8)));
      String said = console.toString(StandardCharsets.UTF_8);
      assertTrue(said.contains("WARNING: Kafka at 127.0.0.1:") && said.contains("is NOT reachable"), said);
      HttpCalls.Reply health = new HttpCalls(root(server.baseUri())).unchecked().get("/health");
      assertEquals(503, health.status(), health::toString);
      assertEquals("DOWN", health.json().get("components").get("kafka").get("status").asText());
    }
  }

  private static URI root(URI base) {
    String text = base.toString();
    return URI.create(text.substring(0, text.length() - "/kafka".length()));
  }

  private static int closedPort() throws Exception {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      return s.getLocalPort();
    }
  }
}
