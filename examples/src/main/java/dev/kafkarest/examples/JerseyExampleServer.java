package dev.kafkarest.examples;

import dev.kafkarest.KafkaRest;
import dev.kafkarest.jaxrs.KafkaRestFeature;
import java.net.URI;
import java.util.Properties;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;
import org.glassfish.jersey.servlet.ServletContainer;

/**
 * The proxy in a JAX-RS application: a Jersey {@link ResourceConfig} registers {@link KafkaRestFeature}, served
 * under {@code /kafka} by Jersey's servlet on Jetty (the JDK-HttpServer container cannot suspend requests, so
 * it cannot serve the async resource). {@code java -cp kafka-rest-examples.jar
 * dev.kafkarest.examples.JerseyExampleServer [kafka-rest.properties]}; default listener http://127.0.0.1:8083.
 */
public final class JerseyExampleServer implements AutoCloseable {
  static final String DEFAULT_LISTENER = "http://127.0.0.1:8083";

  private final ExampleSetup setup;
  private final KafkaRest rest;
  private final Server jetty;
  private final URI baseUri;

  private JerseyExampleServer(ExampleSetup setup) throws Exception {
    this.setup = setup;
    this.rest = KafkaRest.create(setup.config());
    ResourceConfig app = new ResourceConfig()
        .register(new KafkaRestFeature(rest))
        .property(ServerProperties.WADL_FEATURE_DISABLE, true);
    this.jetty = new Server();
    ServerConnector connector = new ServerConnector(jetty);
    connector.setHost(setup.listener().getHost());
    connector.setPort(setup.listener().getPort());
    jetty.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler("/");
    ServletHolder jersey = new ServletHolder("jersey", new ServletContainer(app));
    jersey.setAsyncSupported(true); // AsyncResponse needs it
    context.addServlet(jersey, "/kafka/*");
    jetty.setHandler(context);
    jetty.start();
    this.baseUri = URI.create("http://" + setup.listener().getHost() + ":" + connector.getLocalPort() + "/kafka");
  }

  public static JerseyExampleServer start(Properties props) throws Exception {
    ExampleSetup setup = ExampleSetup.from(props, DEFAULT_LISTENER);
    try {
      return new JerseyExampleServer(setup);
    } catch (Exception e) {
      setup.close();
      throw e;
    }
  }

  public URI baseUri() {
    return baseUri;
  }

  @Override
  public void close() throws Exception {
    try {
      jetty.stop();
    } finally {
      try {
        rest.close();
      } finally {
        setup.close();
      }
    }
  }

  public static void main(String[] args) throws Exception {
    JerseyExampleServer server = start(ExampleSetup.properties(args));
    ExampleSetup.serveUntilStopped(server, "Kafka REST proxy (Jersey)", server.baseUri());
  }
}
