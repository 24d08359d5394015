package dev.kafkarest.testing;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * {@code @ExtendWith(SharedKafka.class)}: one real broker per test JVM, started before the first test class
 * that asks for it and closed by JUnit after the last one. It runs in this JVM, or in a JVM of its own when
 * {@link BrokerProcess#configured()} (hosts whose classpath cannot hold Kafka's server).
 */
public final class SharedKafka implements BeforeAllCallback {
  private static volatile String bootstrapServers;

  /**
   * Runs on JUnit 5 and 6, since a host's test classpath (Spring Boot 3.5: JUnit 5.12) picks the version:
   * {@code getOrComputeIfAbsent} is in both, and the holder is closed by either (5 closes a
   * {@code CloseableResource}, 6 an {@code AutoCloseable}).
   */
  @Override
  @SuppressWarnings("deprecation")
  public void beforeAll(ExtensionContext context) {
    context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
        .getOrComputeIfAbsent(SharedKafka.class, k -> new Holder(start()), Holder.class);
  }

  @SuppressWarnings("deprecation")
  private record Holder(AutoCloseable broker) implements AutoCloseable, ExtensionContext.Store.CloseableResource {
    @Override
    public void close() throws Exception {
      broker.close();
    }
  }

  private static synchronized AutoCloseable start() {
    Exception last = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      try {
        if (BrokerProcess.configured()) {
          BrokerProcess broker = BrokerProcess.start();
          bootstrapServers = broker.bootstrapServers();
          return broker;
        }
        EmbeddedKafka broker = new EmbeddedKafka();
        bootstrapServers = broker.bootstrapServers();
        return broker;
      } catch (Exception e) {
        last = e; // a free port picked by bind-and-close can be taken meanwhile: try again
      }
    }
    throw new IllegalStateException("could not start the embedded broker", last);
  }

  public static String bootstrapServers() {
    if (bootstrapServers == null) {
      throw new IllegalStateException("annotate the test class with @ExtendWith(SharedKafka.class)");
    }
    return bootstrapServers;
  }
}
