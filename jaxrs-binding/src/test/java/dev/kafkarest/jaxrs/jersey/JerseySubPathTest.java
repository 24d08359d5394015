package dev.kafkarest.jaxrs.jersey;

import dev.kafkarest.KafkaRest;
import dev.kafkarest.jaxrs.HelloResource;
import dev.kafkarest.jaxrs.HostCoexistence;
import dev.kafkarest.jaxrs.JettyHost;
import dev.kafkarest.jaxrs.KafkaRestFeature;
import dev.kafkarest.testing.ProxyContract;
import java.net.URI;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;
import org.glassfish.jersey.servlet.ServletContainer;
import org.junit.jupiter.api.Test;

/** The contract on Jersey 3.1: a host ResourceConfig under /api/* registers the feature at the sub-path "kafka". */
class JerseySubPathTest extends ProxyContract {
  private JettyHost jetty;

  @Override
  protected URI mount(KafkaRest rest) throws Exception {
    ResourceConfig app = new ResourceConfig()
        .register(HelloResource.class)
        .register(KafkaRestFeature.builder(rest).path("kafka").build())
        .property(ServerProperties.WADL_FEATURE_DISABLE, true)
        .property(ServerProperties.OUTBOUND_CONTENT_LENGTH_BUFFER, 0); // as the README tells hosts whose clients stream
    jetty = new JettyHost("", context -> {
      ServletHolder holder = new ServletHolder(new ServletContainer(app));
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
