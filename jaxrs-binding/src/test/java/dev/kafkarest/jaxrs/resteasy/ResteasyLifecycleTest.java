package dev.kafkarest.jaxrs.resteasy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kafkarest.KafkaRest;
import dev.kafkarest.KafkaRestConfig;
import dev.kafkarest.jaxrs.JettyHost;
import dev.kafkarest.jaxrs.KafkaRestFeature;
import dev.kafkarest.testing.DirectCalls;
import dev.kafkarest.testing.HttpCalls;
import dev.kafkarest.testing.ProxyContractThreads;
import dev.kafkarest.testing.SharedKafka;
import jakarta.ws.rs.core.Application;
import java.util.Set;
import java.util.UUID;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.jboss.resteasy.plugins.server.servlet.HttpServlet30Dispatcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * On RESTEasy (no portable shutdown callback) a proxy handed in stays open after the application stops, and a
 * config-built feature is closed by the host through {@link KafkaRestFeature#close()}.
 */
@ExtendWith(SharedKafka.class)
class ResteasyLifecycleTest {
  static volatile KafkaRestFeature feature;

  public static class KafkaApplication extends Application {
    @Override
    public Set<Object> getSingletons() {
      return Set.of(feature);
    }
  }

  private static JettyHost resteasy() throws Exception {
    return new JettyHost("/app", context -> {
      ServletHolder holder = new ServletHolder(new HttpServlet30Dispatcher());
      holder.setInitParameter("jakarta.ws.rs.Application", KafkaApplication.class.getName());
      holder.setInitParameter("resteasy.servlet.mapping.prefix", "/kafka");
      holder.setAsyncSupported(true);
      context.addServlet(holder, "/kafka/*");
    });
  }

  private static KafkaRestConfig config(String clientId) {
    return KafkaRestConfig.builder().bootstrapServers(SharedKafka.bootstrapServers())
        .set("producer.client.id", clientId).build();
  }

  @Test
  void aProxyHandedInIsLeftOpenForTheHostToClose() throws Exception {
    String clientId = "resteasy-host-" + UUID.randomUUID();
    try (KafkaRest rest = KafkaRest.create(config(clientId))) {
      feature = new KafkaRestFeature(rest);
      try (JettyHost jetty = resteasy()) {
        assertEquals(200, new HttpCalls(jetty.uri("/kafka")).get("/topics").status());
      }
      feature.close(); // a host-owned proxy survives even this
      ProxyContractThreads.assertOpen(clientId);
      assertEquals(200, new DirectCalls(rest).get("/topics").status());
    }
    ProxyContractThreads.assertClosed(clientId);
  }

  @Test
  void aFeatureBuiltFromConfigIsClosedByTheHost() throws Exception {
    String clientId = "resteasy-owned-" + UUID.randomUUID();
    KafkaRestFeature owned = KafkaRestFeature.builder(config(clientId)).build();
    feature = owned;
    try (owned; JettyHost jetty = resteasy()) {
      assertEquals(200, new HttpCalls(jetty.uri("/kafka")).get("/topics").status());
      ProxyContractThreads.assertOpen(clientId);
    }
    ProxyContractThreads.assertClosed(clientId);
  }
}
