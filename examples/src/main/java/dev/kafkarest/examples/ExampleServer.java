package dev.kafkarest.examples;

import dev.kafkarest.servlet.KafkaRestServlet;
import java.net.URI;
import java.util.Properties;

/**
 * The proxy as a stand-alone server: Jetty 12 with {@link KafkaRestServlet} under {@code /kafka}.
 * {@code java -jar kafka-rest-examples.jar [kafka-rest.properties]}; Ctrl-C stops it cleanly. An https
 * {@code listeners} entry serves TLS with the classic {@code ssl.keystore.*} keys.
 */
public final class ExampleServer implements AutoCloseable {
  static final String DEFAULT_LISTENER = "http://127.0.0.1:8082";

  private final JettyMount mount;

  private ExampleServer(JettyMount mount) {
    this.mount = mount;
  }

  /** Starts a server from the given keys; {@code listeners=http://127.0.0.1:0} picks a free port. */
  public static ExampleServer start(Properties props) throws Exception {
    return new ExampleServer(JettyMount.start(props, DEFAULT_LISTENER, KafkaRestServlet::new));
  }

  /** The proxy's base URL, e.g. http://127.0.0.1:8082/kafka. */
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
    ExampleServer server = ExampleSetup.startOrExit(() -> start(ExampleSetup.properties(args)));
    server.reportBrokers(System.out);
    ExampleSetup.serveUntilStopped(server, "Kafka REST proxy", server.baseUri());
  }
}
