package dev.kafkarest.examples;

import dev.kafkarest.KafkaRestConfig;
import dev.kafkarest.testing.EmbeddedKafka;
import dev.kafkarest.testing.FakeSchemaRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;

/**
 * What both example servers share: the properties file, the {@code listeners} address, a single-node broker on
 * 127.0.0.1 when no {@code bootstrap.servers} is given, an in-memory Schema Registry for local trials when no
 * {@code schema.registry.url} is given, and the TLS keystore for an https listener. Every other key goes to the
 * proxy as is.
 */
final class ExampleSetup implements AutoCloseable {
  static final String LISTENERS = "listeners";
  /** Classic REST Proxy keys for an https listener. */
  static final String KEYSTORE_LOCATION = "ssl.keystore.location";
  static final String KEYSTORE_PASSWORD = "ssl.keystore.password";
  static final String KEYSTORE_TYPE = "ssl.keystore.type";
  static final String KEY_PASSWORD = "ssl.key.password";

  private final URI listener;
  private final KafkaRestConfig config;
  private final Properties tls;
  private final EmbeddedKafka embedded;
  private final FakeSchemaRegistry registry;

  private ExampleSetup(URI listener, KafkaRestConfig config, Properties tls, EmbeddedKafka embedded,
                       FakeSchemaRegistry registry) {
    this.listener = listener;
    this.config = config;
    this.tls = tls;
    this.embedded = embedded;
    this.registry = registry;
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
    Properties tls = new Properties();
    for (String key : new String[] {KEYSTORE_LOCATION, KEYSTORE_PASSWORD, KEYSTORE_TYPE, KEY_PASSWORD}) {
      if (props.containsKey(key)) {
        tls.setProperty(key, (String) props.remove(key));
      }
    }
    if (listener.getScheme().equals("https") && !tls.containsKey(KEYSTORE_LOCATION)) {
      throw new IllegalArgumentException("an https listener needs " + KEYSTORE_LOCATION);
    }
    EmbeddedKafka embedded = null;
    FakeSchemaRegistry registry = null;
    if (props.getProperty(KafkaRestConfig.BOOTSTRAP_SERVERS, "").isBlank()) {
      embedded = new EmbeddedKafka(); // topic auto-creation is on
      props.setProperty(KafkaRestConfig.BOOTSTRAP_SERVERS, embedded.bootstrapServers());
      System.out.println("No bootstrap.servers configured: started an embedded single-node Kafka broker at "
          + embedded.bootstrapServers() + " (temporary data, gone on exit)");
    } else {
      System.out.println("Using the Kafka cluster at " + props.getProperty(KafkaRestConfig.BOOTSTRAP_SERVERS));
    }
    try {
      if (props.getProperty(KafkaRestConfig.SCHEMA_REGISTRY_URL, "").isBlank()) {
        registry = new FakeSchemaRegistry().start();
        props.setProperty(KafkaRestConfig.SCHEMA_REGISTRY_URL, registry.url());
        System.out.println("No schema.registry.url configured: serving an in-memory Schema Registry for local "
            + "trials at " + registry.url() + " (NOT for production: schemas are lost on exit)");
      }
      return new ExampleSetup(listener, KafkaRestConfig.fromProperties(props), tls, embedded, registry);
    } catch (IOException | RuntimeException e) {
      if (registry != null) {
        registry.close();
      }
      if (embedded != null) {
        embedded.close();
      }
      throw e;
    }
  }

  /** Prints where the proxy answers, then blocks until Ctrl-C (or SIGTERM), which closes {@code server}. */
  static void serveUntilStopped(AutoCloseable server, String name, URI baseUri) throws InterruptedException {
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      System.out.println("Stopping...");
      try {
        server.close();
      } catch (Exception e) {
        e.printStackTrace();
      }
      stopped.countDown();
    }, "kafka-rest-example-shutdown"));
    System.out.println(name + " ready at " + baseUri);
    System.out.println("Try: curl " + baseUri + "/topics");
    System.out.println("Press Ctrl-C to stop.");
    stopped.await();
  }

  /** The keystore settings of an https listener (empty for http). */
  Properties tls() {
    return tls;
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
    if (registry != null) {
      registry.close();
    }
    if (embedded != null) {
      embedded.close();
    }
  }
}
