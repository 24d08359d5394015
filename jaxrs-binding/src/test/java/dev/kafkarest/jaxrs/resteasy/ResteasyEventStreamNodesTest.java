package dev.kafkarest.jaxrs.resteasy;

import dev.kafkarest.KafkaRest;
import dev.kafkarest.jaxrs.JettyHost;
import dev.kafkarest.jaxrs.KafkaRestFeature;
import dev.kafkarest.testing.EventStreamNodesContract;
import jakarta.ws.rs.core.Application;
import java.util.Set;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.jboss.resteasy.plugins.server.servlet.HttpServlet30Dispatcher;

/** Event streams across nodes, each node RESTEasy 6.2 on its own Jetty: the feature at "kafka" under /api/*. */
class ResteasyEventStreamNodesTest extends EventStreamNodesContract {
  /** RESTEasy creates the application from its class name: the proxy of the node being started. */
  static volatile KafkaRest starting;

  public static class NodeApplication extends Application {
    private final KafkaRest rest = starting;

    @Override
    public Set<Object> getSingletons() {
      return Set.of(KafkaRestFeature.builder(rest).path("kafka").build());
    }
  }

  @Override
  protected synchronized Server serve(KafkaRest rest) throws Exception {
    starting = rest;
    JettyHost jetty = new JettyHost("", context -> {
      ServletHolder holder = new ServletHolder(new HttpServlet30Dispatcher());
      holder.setInitParameter("jakarta.ws.rs.Application", NodeApplication.class.getName());
      holder.setInitParameter("resteasy.servlet.mapping.prefix", "/api");
      holder.setAsyncSupported(true);
      holder.setInitOrder(1); // created while this node starts, so it takes this node's proxy
      context.addServlet(holder, "/api/*");
    });
    return server(jetty.uri("/api/kafka"), jetty);
  }
}
