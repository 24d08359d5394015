package dev.kafkarest.jaxrs.jersey;

import dev.kafkarest.KafkaRest;
import dev.kafkarest.jaxrs.JettyHost;
import dev.kafkarest.jaxrs.KafkaRestFeature;
import dev.kafkarest.testing.EventStreamNodesContract;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;
import org.glassfish.jersey.servlet.ServletContainer;

/** Event streams across nodes, each node Jersey 3.1 on its own Jetty: the feature at "kafka" under /api/*. */
class JerseyEventStreamNodesTest extends EventStreamNodesContract {
  @Override
  protected Server serve(KafkaRest rest) throws Exception {
    ResourceConfig app = new ResourceConfig()
        .register(KafkaRestFeature.builder(rest).path("kafka").build())
        .property(ServerProperties.WADL_FEATURE_DISABLE, true)
        .property(ServerProperties.OUTBOUND_CONTENT_LENGTH_BUFFER, 0); // as the README tells hosts that stream
    JettyHost jetty = new JettyHost("", context -> {
      ServletHolder holder = new ServletHolder(new ServletContainer(app));
      holder.setAsyncSupported(true);
      context.addServlet(holder, "/api/*");
    });
    return server(jetty.uri("/api/kafka"), jetty);
  }
}
