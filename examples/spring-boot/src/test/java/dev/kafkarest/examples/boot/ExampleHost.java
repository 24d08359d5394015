package dev.kafkarest.examples.boot;

import dev.kafkarest.KafkaRest;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** The example application on 127.0.0.1, a free port and context {@value #CONTEXT_PATH}. */
final class ExampleHost implements AutoCloseable {
  static final String CONTEXT_PATH = "/app";

  private final ConfigurableApplicationContext context;
  private final int port;

  private ExampleHost(SpringApplicationBuilder application, String... args) {
    List<String> all = new ArrayList<>(List.of(
        "--server.port=0", "--server.address=127.0.0.1", "--server.servlet.context-path=" + CONTEXT_PATH));
    all.addAll(List.of(args));
    context = application.run(all.toArray(String[]::new));
    port = context.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
  }

  /** With the test's proxy as a ready singleton: the example creates none, and Spring does not close it. */
  static ExampleHost withProxy(KafkaRest rest) {
    return new ExampleHost(new SpringApplicationBuilder(KafkaRestBootExample.class)
        .initializers(ctx -> ctx.getBeanFactory().registerSingleton("kafkaRest", rest)));
  }

  /** The example as users run it: it creates its proxy from the {@code kafka.rest.*} properties in {@code args}. */
  static ExampleHost withProperties(String... args) {
    return new ExampleHost(new SpringApplicationBuilder(KafkaRestBootExample.class), args);
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + CONTEXT_PATH + path);
  }

  @Override
  public void close() {
    context.close();
  }
}
