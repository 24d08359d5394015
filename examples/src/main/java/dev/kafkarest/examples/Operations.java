package dev.kafkarest.examples;

import dev.kafkarest.KafkaRest;
import dev.kafkarest.health.Health;
import dev.kafkarest.http.Json;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;

/**
 * What an operator of the example servers gets beside the API: {@code GET /metrics} (the proxy's meters in
 * Prometheus' text format) and {@code GET /health} (200 when up, 503 when down, the details as JSON), both at the
 * server's root, and a look at the brokers at start-up.
 */
final class Operations {
  static final String METRICS_PATH = "/metrics";
  static final String HEALTH_PATH = "/health";
  static final String PROMETHEUS_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private Operations() {}

  /** Serves /metrics and /health in {@code context}. */
  static void mount(ServletContextHandler context, KafkaRest rest, PrometheusMeterRegistry registry) {
    context.addServlet(new ServletHolder("metrics", new HttpServlet() {
      @Override
      protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setContentType(PROMETHEUS_TYPE);
        resp.getOutputStream().write(registry.scrape().getBytes(StandardCharsets.UTF_8));
      }
    }), METRICS_PATH);
    context.addServlet(new ServletHolder("health", new HttpServlet() {
      @Override
      protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Health health = rest.health();
        resp.setStatus(health.isUp() ? 200 : 503);
        resp.setContentType("application/json");
        resp.setHeader("Cache-Control", "no-store");
        resp.getOutputStream().write(Json.MAPPER.writeValueAsBytes(asJson(health)));
      }
    }), HEALTH_PATH);
  }

  /** {@code {"status":"UP","components":{"kafka":{"status":"UP","details":{...}}, ...}}}, as Spring Boot writes it. */
  static Map<String, Object> asJson(Health health) {
    Map<String, Object> components = new LinkedHashMap<>();
    health.components().forEach((name, c) -> {
      Map<String, Object> component = new LinkedHashMap<>();
      component.put("status", c.status().name());
      if (!c.details().isEmpty()) {
        component.put("details", c.details());
      }
      components.put(name, component);
    });
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("status", health.status().name());
    json.put("components", components);
    return json;
  }

  /**
   * Asks the brokers once (bounded by {@code health.timeout.ms}) and says on {@code out} whether they answered.
   * The server starts either way: the brokers may come later, and the proxy answers meanwhile. Returns whether
   * they answered.
   */
  static boolean reportBrokers(KafkaRest rest, URI root, PrintStream out) {
    Health health = rest.health();
    Health.Component kafka = health.components().get("kafka");
    String brokers = rest.config().bootstrapServers();
    if (kafka != null && kafka.isUp()) {
      out.println("Kafka at " + brokers + " is reachable: cluster " + kafka.details().get("cluster_id") + ", "
          + kafka.details().get("brokers") + " broker(s)");
    } else {
      out.println("WARNING: Kafka at " + brokers + " is NOT reachable ("
          + (kafka == null ? health.status() : kafka.details().get("error")) + "). The proxy is serving anyway; "
          + "Kafka requests fail until the brokers answer. Check bootstrap.servers and the client.* settings.");
    }
    Health.Component registry = health.components().get("schemaRegistry");
    if (registry != null && !registry.isUp()) {
      out.println("WARNING: the Schema Registry is NOT reachable (" + registry.details().get("error") + ")");
    }
    out.println("Health: " + root + HEALTH_PATH + "   Prometheus metrics: " + root + METRICS_PATH);
    return kafka != null && kafka.isUp();
  }
}
