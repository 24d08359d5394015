package dev.kafkarest.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kafkarest.http.MediaTypes;
import dev.kafkarest.testing.HttpCalls;
import dev.kafkarest.testing.SharedKafka;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Smoke test of the Jersey example against a given cluster (bootstrap.servers set: no embedded broker). */
@ExtendWith(SharedKafka.class)
class JerseyExampleServerTest {
  @Test
  void servesTheProxyUnderKafka() throws Exception {
    Properties props = new Properties();
    props.setProperty("listeners", "http://127.0.0.1:0");
    props.setProperty("bootstrap.servers", SharedKafka.bootstrapServers());
    try (JerseyExampleServer server = JerseyExampleServer.start(props)) {
      HttpCalls http = new HttpCalls(server.baseUri());
      assertEquals(200, http.get("/topics").status());
      HttpCalls.Reply created = http.post("/consumers/jersey-example", MediaTypes.V2, "{\"name\":\"c\"}");
      assertEquals(server.baseUri() + "/consumers/jersey-example/instances/c",
          created.json().get("base_uri").asText(), created::toString);
      assertEquals(204, http.delete("/consumers/jersey-example/instances/c").status());
    }
  }
}
