package dev.kafkarest.floors;

import dev.kafkarest.KafkaRest;
import dev.kafkarest.jaxrs.KafkaRestFeature;
import dev.kafkarest.testing.EventStreamNodesContract;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;
import org.glassfish.jersey.servlet.ServletContainer;

/**
 * Event streams across nodes with every shared library at its floor, each node Jersey 3.1 on its own Tomcat 10.1
 * (the only Jersey-over-Tomcat host outside Spring Boot): the feature at "kafka" under /app/api/*.
 */
class JaxrsEventStreamNodesAtFloorsTest extends EventStreamNodesContract {
  @Override
  protected Server serve(KafkaRest rest) throws Exception {
    ResourceConfig app = new ResourceConfig()
        .register(KafkaRestFeature.builder(rest).path("kafka").build())
        .property(ServerProperties.WADL_FEATURE_DISABLE, true)
        .property(ServerProperties.OUTBOUND_CONTENT_LENGTH_BUFFER, 0); // as the README tells hosts that stream
    FloorTomcat tomcat = new FloorTomcat("/api/*", new ServletContainer(app));
    return server(tomcat.uri("/api/kafka"), tomcat);
  }
}
