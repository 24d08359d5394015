package dev.kafkarest.examples;

import dev.kafkarest.KafkaRestConfig;
import dev.kafkarest.testing.EmbeddedKafka;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * What both example servers share: the properties file, the {@code listeners} address, and a single-node
 * broker on 127.0.0.1 when no {@code bootstrap.servers} is given. Every other key goes to the proxy as is.
 */
final class ExampleSetup implements AutoCloseable {
  static final String LISTENERS = "listeners";

  private final URI listener;
  private final KafkaRestConfig config;
  private final EmbeddedKafka embedded;

  private ExampleSetup(URI listener, KafkaRestConfig config, EmbeddedKafka embedded) {
    this.listener = listener;
    this.config = config;
    this.embedded = embedded;
  }

  /** Reads {@code args[0]} as a properties file, if given. */
  static Properties properties(String[] args) throws IOException {
    Properties props = new Properties();
    if (args.length > 0) {
      try (InputStream in = Files.newInputStream(Path.of(args[0]))) {
        props.load(in);
      }
    }
    return props;
  }

  static ExampleSetup from(Properties source, String defaultListener) throws Exception {
    Properties props = new Properties();
    props.putAll(source);
    URI listener = URI.create(props.getProperty(LISTENERS, defaultListener).split(",")[0].trim());
    props.remove(LISTENERS);
    EmbeddedKafka embedded = null;
    if (props.getProperty(KafkaRestConfig.BOOTSTRAP_SERVERS, "").isBlank()) {
      embedded = new EmbeddedKafka(); // topic auto-creation is on
      props.setProperty(KafkaRestConfig.BOOTSTRAP_SERVERS, embedded.bootstrapServers());
      System.out.println("No bootstrap.servers configured: started an embedded single-node Kafka broker at "
          + embedded.bootstrapServers() + " (temporary data, gone on exit)");
    } else {
      System.out.println("Using the Kafka cluster at " + props.getProperty(KafkaRestConfig.BOOTSTRAP_SERVERS));
    }
    try {
      return new ExampleSetup(listener, KafkaRestConfig.fromProperties(props), embedded);
    } catch (RuntimeException e) {
      if (embedded != null) {
        embedded.close();
      }
      throw e;
    }
  }

  /** Where to listen, e.g. http://127.0.0.1:8082 (port 0 picks a free one). */
  URI listener() {
    return listener;
  }

  KafkaRestConfig config() {
    return config;
  }

  @Override
  public void close() throws IOException {
    if (embedded != null) {
      embedded.close();
    }
  }
}
