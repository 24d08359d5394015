package dev.kafkarest.jaxrs.resteasy;

import dev.kafkarest.KafkaRest;
import dev.kafkarest.jaxrs.HelloResource;
import dev.kafkarest.jaxrs.HostCoexistence;
import dev.kafkarest.jaxrs.JettyHost;
import dev.kafkarest.jaxrs.KafkaRestFeature;
import dev.kafkarest.testing.ProxyContract;
import jakarta.ws.rs.core.Application;
import java.net.URI;
import java.util.Set;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.jboss.resteasy.plugins.server.servlet.HttpServlet30Dispatcher;
import org.junit.jupiter.api.Test;

/** The contract on RESTEasy 6.2: a host application under /api/* registers the feature at the sub-path "kafka". */
class ResteasySubPathTest extends ProxyContract {
  static volatile KafkaRest rest;
  private JettyHost jetty;

  public static class HostApplication extends Application {
    @Override
    public Set<Class<?>> getClasses() {
      return Set.of(HelloResource.class);
    }

    @Override
    public Set<Object> getSingletons() {
      return Set.of(KafkaRestFeature.builder(rest).path("kafka").build());
    }
  }

  @Override
  protected URI mount(KafkaRest kafkaRest) throws Exception {
    rest = kafkaRest;
    jetty = new JettyHost("", context -> {
      ServletHolder holder = new ServletHolder(new HttpServlet30Dispatcher());
      holder.setInitParameter("jakarta.ws.rs.Application", HostApplication.class.getName());
      holder.setInitParameter("resteasy.servlet.mapping.prefix", "/api");
      holder.setAsyncSupported(true);
      context.addServlet(holder, "/api/*");
    });
    return jetty.uri("/api/kafka");
  }

  @Override
  protected void unmount() throws Exception {
    jetty.close();
  }

  @Test
  void hostResourcesAndHost404sAreUntouched() {
    HostCoexistence.assertHostKeepsItsPaths(jetty.uri("/api"));
  }
}
