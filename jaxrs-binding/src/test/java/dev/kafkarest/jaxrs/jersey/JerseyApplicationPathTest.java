package dev.kafkarest.jaxrs.jersey;

import dev.kafkarest.KafkaRest;
import dev.kafkarest.jaxrs.JettyHost;
import dev.kafkarest.jaxrs.KafkaRestFeature;
import dev.kafkarest.testing.ProxyContract;
import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import java.net.URI;
import java.util.Set;
import org.glassfish.jersey.servlet.init.JerseyServletContainerInitializer;

/**
 * The contract on Jersey 3.1 deployed as a web application would be: Jersey's ServletContainerInitializer
 * finds the {@code @ApplicationPath("api")} application in context /app, so the mount is /app/api.
 */
class JerseyApplicationPathTest extends ProxyContract {
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
        context -> context.addServletContainerInitializer(new JerseyServletContainerInitializer(),
            KafkaApplication.class));
    return jetty.uri("/api");
  }

  @Override
  protected void unmount() throws Exception {
    jetty.close();
  }

  @Override
  protected boolean sendsAnswersWhileTheBodyIsOpen() {
    return false; // this host keeps Jersey's default contentLength.buffer (8 KiB), which holds the answers back
  }
}
