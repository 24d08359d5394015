package dev.kafkarest.examples;

import dev.kafkarest.KafkaRest;
import dev.kafkarest.servlet.KafkaRestServlet;
import java.net.URI;
import java.util.Properties;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * The proxy as a stand-alone server: Jetty 12 with {@link KafkaRestServlet} under {@code /kafka}.
 * {@code java -jar kafka-rest-examples.jar [kafka-rest.properties]}; Ctrl-C stops it cleanly. An https
 * {@code listeners} entry serves TLS with the classic {@code ssl.keystore.*} keys.
 */
public final class ExampleServer implements AutoCloseable {
  static final String DEFAULT_LISTENER = "http://127.0.0.1:8082";

  private final ExampleSetup setup;
  private final KafkaRest rest;
  private final Server jetty;
  private final URI baseUri;

  private ExampleServer(ExampleSetup setup) throws Exception {
    this.setup = setup;
    this.rest = KafkaRest.create(setup.config());
    this.jetty = new Server();
    ServerConnector connector = setup.listener().getScheme().equals("https")
        ? new ServerConnector(jetty, tls(setup.tls()))
        : new ServerConnector(jetty);
    connector.setHost(setup.listener().getHost());
    connector.setPort(setup.listener().getPort());
    jetty.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler("/");
    ServletHolder kafka = new ServletHolder("kafka", new KafkaRestServlet(rest));
    kafka.setAsyncSupported(true); // long polls must not hold a Jetty thread
    context.addServlet(kafka, "/kafka/*");
    jetty.setHandler(context);
    jetty.start();
    this.baseUri = URI.create(setup.listener().getScheme() + "://" + setup.listener().getHost() + ":"
        + connector.getLocalPort() + "/kafka");
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

  /** Starts a server from the given keys; {@code listeners=http://127.0.0.1:0} picks a free port. */
  public static ExampleServer start(Properties props) throws Exception {
    ExampleSetup setup = ExampleSetup.from(props, DEFAULT_LISTENER);
    try {
      return new ExampleServer(setup);
    } catch (Exception e) {
      setup.close();
      throw e;
    }
  }

  /** The proxy's base URL, e.g. http://127.0.0.1:8082/kafka. */
  public URI baseUri() {
    return baseUri;
  }

  /** Stops Jetty first (no new requests), then the proxy, then the embedded broker if there is one. */
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
    ExampleServer server = start(ExampleSetup.properties(args));
    ExampleSetup.serveUntilStopped(server, "Kafka REST proxy", server.baseUri());
  }
}
