package dev.kafkarest.jaxrs.resteasy;

import dev.kafkarest.KafkaRest;
import dev.kafkarest.jaxrs.JettyHost;
import dev.kafkarest.jaxrs.KafkaRestFeature;
import dev.kafkarest.testing.ProxyContract;
import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import java.net.URI;
import java.util.Set;
import org.jboss.resteasy.plugins.servlet.ResteasyServletInitializer;

/**
 * The contract on RESTEasy 6.2 deployed as a web application would be: RESTEasy's ServletContainerInitializer
 * finds the {@code @ApplicationPath("api")} application in context /app, so the mount is /app/api.
 */
class ResteasyApplicationPathTest extends ProxyContract {
  static volatile KafkaRest rest;
  private JettyHost jetty;

  @ApplicationPath("api")
  public static class KafkaApplication extends Application {
    @Override
    public Set<Object> getSingletons() {
      return Set.of(new KafkaRestFeature(rest));
    }
  }

  @Override
  protected URI mount(KafkaRest kafkaRest) throws Exception {
    rest = kafkaRest;
    jetty = new JettyHost("/app",
        context -> context.addServletContainerInitializer(new ResteasyServletInitializer(), KafkaApplication.class));
    return jetty.uri("/api");
  }

  @Override
  protected void unmount() throws Exception {
    jetty.close();
  }
}
