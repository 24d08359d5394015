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

  @Override
  public void beforeAll(ExtensionContext context) {
    context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
        .computeIfAbsent(SharedKafka.class, k -> start(), AutoCloseable.class);
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
