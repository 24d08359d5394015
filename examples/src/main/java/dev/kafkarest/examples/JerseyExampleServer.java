package dev.kafkarest.examples;

import dev.kafkarest.jaxrs.KafkaRestFeature;
import java.net.URI;
import java.util.Properties;
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

  private final JettyMount mount;

  private JerseyExampleServer(JettyMount mount) {
    this.mount = mount;
  }

  public static JerseyExampleServer start(Properties props) throws Exception {
    return new JerseyExampleServer(JettyMount.start(props, DEFAULT_LISTENER, rest -> new ServletContainer(
        new ResourceConfig()
            .register(new KafkaRestFeature(rest))
            .property(ServerProperties.WADL_FEATURE_DISABLE, true))));
  }

  public URI baseUri() {
    return mount.baseUri();
  }

  /** Says on {@code out} whether the brokers answer (bounded by health.timeout.ms); the server serves either way. */
  public boolean reportBrokers(java.io.PrintStream out) {
    return mount.reportBrokers(out);
  }

  @Override
  public void close() throws Exception {
    mount.close();
  }

  public static void main(String[] args) throws Exception {
    JerseyExampleServer server = ExampleSetup.startOrExit(() -> start(ExampleSetup.properties(args)));
    server.reportBrokers(System.out);
    ExampleSetup.serveUntilStopped(server, "Kafka REST proxy (Jersey)", server.baseUri());
  }
}
