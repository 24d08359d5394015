package dev.kafkarest.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kafkarest.KafkaRest;
import dev.kafkarest.KafkaRestConfig;
import dev.kafkarest.http.MediaTypes;
import dev.kafkarest.testing.DirectCalls;
import dev.kafkarest.testing.HttpCalls;
import dev.kafkarest.testing.ProxyContractThreads;
import dev.kafkarest.testing.SharedKafka;
import jakarta.servlet.Servlet;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Who creates and closes the proxy, per container: the servlet (no-arg, init-params) or the host. */
@ExtendWith(SharedKafka.class)
public abstract class ServletLifecycleContract {
  /** A running container with the servlet under context /app, mapping /kafka/*. */
  protected interface Started extends AutoCloseable {
    URI mount();
  }

  /** Starts the container; {@code servlet} null means the container creates a {@link KafkaRestServlet}. */
  protected abstract Started start(Servlet servlet, Map<String, String> initParams) throws Exception;

  @Test
  void noArgServletReadsFileAndInitParamsAndClosesItsProxyOnDestroy(@TempDir Path dir) throws Exception {
    String clientId = "servlet-owned-" + UUID.randomUUID();
    Path file = dir.resolve("kafka-rest.properties");
    Files.writeString(file, "bootstrap.servers=" + SharedKafka.bootstrapServers() + "\nproducer.client.id=from-file\n");
    Map<String, String> params = Map.of(
        KafkaRestServlet.CONFIG_FILE, file.toString(),
        "producer.client.id", clientId, // an init-param wins over the file
        KafkaRestServlet.TRUST_FORWARDED, "true");
    try (Started container = start(null, params)) {
      HttpCalls http = new HttpCalls(container.mount());
      assertEquals(200, http.get("/topics").status());
      ProxyContractThreads.assertOpen(clientId);

      String group = "lifecycle-" + UUID.randomUUID();
      HttpCalls.Reply created = http.post("/consumers/" + group, MediaTypes.V2, "{\"name\":\"c\"}",
          "X-Forwarded-Proto", "https", "X-Forwarded-Host", "proxy.example", "X-Forwarded-Prefix", "/edge");
      JsonNode answer = created.json();
      assertEquals("https://proxy.example/edge/app/kafka/consumers/" + group + "/instances/c",
          answer.get("base_uri").asText(), created::toString);
      assertEquals(204, http.delete("/consumers/" + group + "/instances/c").status());
    }
    ProxyContractThreads.assertClosed(clientId);
  }

  @Test
  void aProxyHandedInIsLeftOpenForTheHostToClose() throws Exception {
    String clientId = "host-owned-" + UUID.randomUUID();
    KafkaRest rest = KafkaRest.create(KafkaRestConfig.builder()
        .bootstrapServers(SharedKafka.bootstrapServers()).set("producer.client.id", clientId).build());
    try (rest) {
      try (Started container = start(new KafkaRestServlet(rest), Map.of())) {
        assertEquals(200, new HttpCalls(container.mount()).get("/").status());
      }
      ProxyContractThreads.assertOpen(clientId);
      assertEquals(200, new DirectCalls(rest).get("/topics").status());
    }
    ProxyContractThreads.assertClosed(clientId);
  }
}
