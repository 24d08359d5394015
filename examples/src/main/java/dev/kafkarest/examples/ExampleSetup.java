package dev.kafkarest.examples;

import dev.kafkarest.KafkaRestConfig;
import dev.kafkarest.testing.EmbeddedKafka;
import dev.kafkarest.testing.FakeSchemaRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
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
  /** How the example servers sign the one line they print for a {@link SetupException}. */
  static final String PROGRAM = "kafka-rest-examples";
  /** The exit status of a main that cannot start with the given file or settings. */
  static final int BAD_SETUP_STATUS = 2;
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

  /**
   * A properties file that cannot be read, or a setting the example cannot start with. The message is one line
   * for the user, such as {@code cannot read properties file my.properties: No such file}; a main prints it and
   * exits with {@link #BAD_SETUP_STATUS}.
   */
  static final class SetupException extends Exception {
    SetupException(String message) {
      super(message);
    }
  }

  /** What a main starts; see {@link #startOrExit}. */
  interface Starter<T> {
    T start() throws Exception;
  }

  /**
   * Runs {@code starter}; if it throws a {@link SetupException}, prints {@code kafka-rest-examples: <message>}
   * to stderr and exits the JVM with status 2 (whatever had been started is closed by then).
   */
  static <T> T startOrExit(Starter<T> starter) throws Exception {
    try {
      return starter.start();
    } catch (SetupException e) {
      System.err.println(PROGRAM + ": " + e.getMessage());
      System.exit(BAD_SETUP_STATUS);
      throw new AssertionError("unreachable");
    }
  }

  /** Reads {@code args[0]} as a properties file, if given. */
  static Properties properties(String[] args) throws SetupException {
    Properties props = new Properties();
    if (args.length > 0) {
      try (InputStream in = Files.newInputStream(Path.of(args[0]))) {
        props.load(in);
      } catch (IOException e) {
        throw new SetupException("cannot read properties file " + args[0] + ": " + reason(e));
      } catch (IllegalArgumentException e) { // a malformed unicode escape, or an invalid path
        throw new SetupException("cannot read properties file " + args[0] + ": " + e.getMessage());
      }
    }
    return props;
  }

  /** "No such file", "Permission denied", "Is a directory": what went wrong, without the file name again. */
  private static String reason(IOException e) {
    if (e instanceof NoSuchFileException) {
      return "No such file";
    }
    if (e instanceof AccessDeniedException) {
      return "Permission denied";
    }
    if (e instanceof FileSystemException f && f.getReason() != null) {
      return f.getReason();
    }
    return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
  }

  /** The first {@code listeners} entry, which must be http or https with a host and a port. */
  private static URI listener(String listeners) throws SetupException {
    String first = listeners.split(",")[0].trim();
    try {
      URI uri = new URI(first);
      if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null
          && uri.getPort() >= 0) {
        return uri;
      }
    } catch (URISyntaxException e) {
      // answered below, as any other listener that is not http(s)://host:port
    }
    throw new SetupException(LISTENERS + " must look like http://127.0.0.1:8082 or https://host:port, not \""
        + first + "\"");
  }

  static ExampleSetup from(Properties source, String defaultListener) throws Exception {
    Properties props = new Properties();
    props.putAll(source);
    URI listener = listener(props.getProperty(LISTENERS, defaultListener));
    props.remove(LISTENERS);
    Properties tls = new Properties();
    for (String key : new String[] {KEYSTORE_LOCATION, KEYSTORE_PASSWORD, KEYSTORE_TYPE, KEY_PASSWORD}) {
      if (props.containsKey(key)) {
        tls.setProperty(key, (String) props.remove(key));
      }
    }
    if (listener.getScheme().equals("https")) {
      if (!tls.containsKey(KEYSTORE_LOCATION)) {
        throw new SetupException("an https listener needs " + KEYSTORE_LOCATION);
      }
      String keystore = tls.getProperty(KEYSTORE_LOCATION);
      try (InputStream in = Files.newInputStream(Path.of(keystore))) {
        in.read();
      } catch (IOException e) {
        throw new SetupException("cannot read " + KEYSTORE_LOCATION + " " + keystore + ": " + reason(e));
      }
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
      KafkaRestConfig config;
      try {
        config = KafkaRestConfig.fromProperties(props);
      } catch (IllegalArgumentException e) { // e.g. "request.max.bytes must be a number"
        throw new SetupException(e.getMessage());
      }
      return new ExampleSetup(listener, config, tls, embedded, registry);
    } catch (IOException | SetupException | RuntimeException e) {
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
