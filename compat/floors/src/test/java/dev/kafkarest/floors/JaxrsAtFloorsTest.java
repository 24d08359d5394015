package dev.kafkarest.floors;

import dev.kafkarest.KafkaRest;
import dev.kafkarest.jaxrs.KafkaRestFeature;
import dev.kafkarest.testing.ProxyContract;
import java.net.URI;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;
import org.glassfish.jersey.servlet.ServletContainer;

/** The contract with every shared library at its floor: the feature in Jersey 3.1 (JAX-RS 3.1) on Tomcat 10.1. */
class JaxrsAtFloorsTest extends ProxyContract {
  private FloorTomcat tomcat;

  @Override
  protected URI mount(KafkaRest rest) throws Exception {
    ResourceConfig app = new ResourceConfig()
        .register(KafkaRestFeature.builder(rest).path("kafka").build())
        .property(ServerProperties.WADL_FEATURE_DISABLE, true)
        // Without this, Jersey holds back a stream's answer lines until 8 KiB of them (README: v3 produce).
        .property(ServerProperties.OUTBOUND_CONTENT_LENGTH_BUFFER, 0);
    tomcat = new FloorTomcat("/api/*", new ServletContainer(app));
    return tomcat.uri("/api/kafka");
  }

  @Override
  protected void unmount() throws Exception {
    tomcat.close();
  }
}
