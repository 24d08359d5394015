package dev.kafkarest.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kafkarest.http.MediaTypes;
import dev.kafkarest.testing.HttpCalls;
import java.io.UncheckedIOException;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** Smoke test of the runnable example: embedded broker, Jetty on a free port, the proxy under /kafka. */
class ExampleServerTest {
  @Test
  void servesTheProxyUnderKafkaWithAnEmbeddedBroker() throws Exception {
    Properties props = new Properties();
    props.setProperty("listeners", "http://127.0.0.1:0");
    HttpCalls http;
    try (ExampleServer server = ExampleServer.start(props)) {
      assertTrue(server.baseUri().toString().matches("http://127\\.0\\.0\\.1:\\d+/kafka"), server.baseUri()::toString);
      http = new HttpCalls(server.baseUri());
      assertEquals(200, http.get("/topics").status());
      // Topic auto-creation is on in the embedded broker, as a first curl session expects.
      HttpCalls.Reply produced = http.post("/topics/example", MediaTypes.JSON_V2, "{\"records\":[{\"value\":{\"hi\":1}}]}");
      assertEquals(200, produced.status(), produced::toString);
      JsonNode offset = produced.json().get("offsets").get(0);
      assertEquals(0, offset.get("offset").asLong(), produced::toString);
      assertEquals("[\"example\"]", http.get("/topics").body());
    }
    HttpCalls closed = http;
    assertThrows(UncheckedIOException.class, () -> closed.get("/topics"), "Jetty should be stopped");
  }
}
