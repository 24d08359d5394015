package dev.kafkarest.testing;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * {@code @ExtendWith(SharedKafka.class)}: one real broker per test JVM, started before the first test class
 * that asks for it and closed by JUnit after the last one.
 */
public final class SharedKafka implements BeforeAllCallback {
  private static volatile EmbeddedKafka kafka;

  @Override
  public void beforeAll(ExtensionContext context) {
    context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
        .computeIfAbsent(SharedKafka.class, k -> start(), AutoCloseable.class);
  }

  private static synchronized AutoCloseable start() {
    Exception last = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      try {
        kafka = new EmbeddedKafka();
        return kafka;
      } catch (Exception e) {
        last = e; // a free port picked by bind-and-close can be taken meanwhile: try again
      }
    }
    throw new IllegalStateException("could not start the embedded broker", last);
  }

  public static String bootstrapServers() {
    if (kafka == null) {
      throw new IllegalStateException("annotate the test class with @ExtendWith(SharedKafka.class)");
    }
    return kafka.bootstrapServers();
  }

  public static EmbeddedKafka broker() {
    return kafka;
  }
}
