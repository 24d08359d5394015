package dev.kafkarest.jaxrs.jersey;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kafkarest.KafkaRest;
import dev.kafkarest.KafkaRestConfig;
import dev.kafkarest.http.MediaTypes;
import dev.kafkarest.jaxrs.JettyHost;
import dev.kafkarest.jaxrs.KafkaRestFeature;
import dev.kafkarest.testing.DirectCalls;
import dev.kafkarest.testing.HttpCalls;
import dev.kafkarest.testing.ProxyContractThreads;
import dev.kafkarest.testing.SharedKafka;
import java.util.UUID;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;
import org.glassfish.jersey.servlet.ServletContainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Who closes the proxy on Jersey: the application (feature built from config) or the host (proxy handed in). */
@ExtendWith(SharedKafka.class)
class JerseyLifecycleTest {
  private static JettyHost jersey(KafkaRestFeature feature) throws Exception {
    ResourceConfig app = new ResourceConfig().register(feature).property(ServerProperties.WADL_FEATURE_DISABLE, true);
    return new JettyHost("/app", context -> {
      ServletHolder holder = new ServletHolder(new ServletContainer(app));
      holder.setAsyncSupported(true);
      context.addServlet(holder, "/kafka/*");
    });
  }

  private static KafkaRestConfig config(String clientId) {
    return KafkaRestConfig.builder().bootstrapServers(SharedKafka.bootstrapServers())
        .set("producer.client.id", clientId).build();
  }

  @Test
  void aFeatureBuiltFromConfigIsClosedWhenTheApplicationStops() throws Exception {
    String clientId = "jersey-owned-" + UUID.randomUUID();
    KafkaRestFeature feature = KafkaRestFeature.builder(config(clientId)).trustForwardedHeaders(true).build();
    try (JettyHost jetty = jersey(feature)) {
      HttpCalls http = new HttpCalls(jetty.uri("/kafka"));
      assertEquals(200, http.get("/topics").status());
      String group = "lifecycle-" + UUID.randomUUID();
      HttpCalls.Reply created = http.post("/consumers/" + group, MediaTypes.V2, "{\"name\":\"c\"}",
          "Forwarded", "for=192.0.2.1;proto=https;host=proxy.example");
      assertEquals("https://proxy.example/app/kafka/consumers/" + group + "/instances/c",
          created.json().get("base_uri").asText(), created::toString);
      assertEquals(204, http.delete("/consumers/" + group + "/instances/c").status());
      ProxyContractThreads.assertOpen(clientId);
    }
    ProxyContractThreads.assertClosed(clientId);
  }

  @Test
  void aProxyHandedInIsLeftOpenForTheHostToClose() throws Exception {
    String clientId = "jersey-host-" + UUID.randomUUID();
    try (KafkaRest rest = KafkaRest.create(config(clientId))) {
      try (JettyHost jetty = jersey(new KafkaRestFeature(rest))) {
        assertEquals(200, new HttpCalls(jetty.uri("/kafka")).get("/").status());
      }
      ProxyContractThreads.assertOpen(clientId);
      assertEquals(200, new DirectCalls(rest).get("/topics").status());
    }
    ProxyContractThreads.assertClosed(clientId);
  }
}
