package dev.kafkarest.examples;

import dev.kafkarest.KafkaRest;
import dev.kafkarest.metrics.MicrometerMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import jakarta.servlet.Servlet;
import java.net.URI;
import java.util.Properties;
import java.util.function.Function;
import org.apache.kafka.common.config.ConfigException;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * What both example servers run: a proxy from the setup, and Jetty on the setup's listener (http, or https with
 * the classic {@code ssl.keystore.*} keys) with one async servlet serving it under {@code /kafka/*}.
 */
final class JettyMount implements AutoCloseable {
  private final ExampleSetup setup;
  private final KafkaRest rest;
  private final Server jetty = new Server();
  private final PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final URI baseUri;

  private JettyMount(ExampleSetup setup, Function<KafkaRest, Servlet> servlet) throws Exception {
    this.setup = setup;
    try {
      this.rest = KafkaRest.builder(setup.config()).metrics(MicrometerMetrics.of(meters)).build();
    } catch (IllegalArgumentException | ConfigException e) { // a proxy or Kafka client setting is malformed
      throw new ExampleSetup.SetupException(e.getMessage());
    }
    URI listener = setup.listener();
    ServerConnector connector = listener.getScheme().equals("https")
        ? new ServerConnector(jetty, tls(setup.tls()))
        : new ServerConnector(jetty);
    connector.setHost(listener.getHost());
    connector.setPort(listener.getPort());
    jetty.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler("/");
    ServletHolder holder = new ServletHolder("kafka", servlet.apply(rest));
    holder.setAsyncSupported(true); // long polls must not hold a Jetty thread
    context.addServlet(holder, "/kafka/*");
    Operations.mount(context, rest, meters);
    context.addServlet(new ServletHolder("live-page", new LivePageServlet()), "/"); // the live topic page
    jetty.setHandler(context);
    JettyJsonErrors.install(jetty, context); // even the container's own errors are JSON
    jetty.start();
    this.baseUri = URI.create(listener.getScheme() + "://" + listener.getHost() + ":" + connector.getLocalPort()
        + "/kafka");
  }

  /** Starts everything from the given keys; on failure whatever was started is closed again. */
  static JettyMount start(Properties props, String defaultListener, Function<KafkaRest, Servlet> servlet)
      throws Exception {
    ExampleSetup setup = ExampleSetup.from(props, defaultListener);
    try {
      return new JettyMount(setup, servlet);
    } catch (Exception e) {
      setup.close();
      throw e;
    }
  }

  /** HTTPS from the classic REST Proxy keys: ssl.keystore.location, .password, .type and ssl.key.password. */
  private static SslContextFactory.Server tls(Properties keys) {
    SslContextFactory.Server tls = new SslContextFactory.Server();
    tls.setKeyStorePath(keys.getProperty(ExampleSetup.KEYSTORE_LOCATION));
    tls.setKeyStorePassword(keys.getProperty(ExampleSetup.KEYSTORE_PASSWORD));
    tls.setKeyStoreType(keys.getProperty(ExampleSetup.KEYSTORE_TYPE, "PKCS12"));
    if (keys.containsKey(ExampleSetup.KEY_PASSWORD)) {
      tls.setKeyManagerPassword(keys.getProperty(ExampleSetup.KEY_PASSWORD));
    }
    return tls;
  }

  /** The proxy's base URL, e.g. http://127.0.0.1:8082/kafka. */
  URI baseUri() {
    return baseUri;
  }

  /** Says on {@code out} whether the brokers answer (and where health and metrics are); see {@link Operations}. */
  boolean reportBrokers(java.io.PrintStream out) {
    String base = baseUri.toString();
    return Operations.reportBrokers(rest, URI.create(base.substring(0, base.length() - "/kafka".length())), out);
  }

  /** Stops Jetty first (no new requests), then the proxy, then the embedded broker and registry if any. */
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
}
