package dev.kafkarest.compat.boot;

import dev.kafkarest.KafkaRest;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A Spring Boot application on its embedded Tomcat, 127.0.0.1 and a free port, in context {@value #CONTEXT_PATH}.
 * The proxy is the test's (the contract creates and closes it): it goes in as a ready singleton, which Spring
 * neither initialises nor closes.
 */
final class BootHost implements AutoCloseable {
  static final String CONTEXT_PATH = "/app";

  private final ConfigurableApplicationContext context;
  private final int port;

  BootHost(Class<?> application, KafkaRest rest, String... args) {
    List<String> all = new ArrayList<>(List.of(
        "--server.port=0", "--server.address=127.0.0.1", "--server.servlet.context-path=" + CONTEXT_PATH));
    all.addAll(List.of(args));
    context = new SpringApplicationBuilder(application)
        .initializers(ctx -> ctx.getBeanFactory().registerSingleton("kafkaRest", rest))
        .run(all.toArray(String[]::new));
    // Boot publishes the bound port here on 3.x and 4.x alike (the web server context class moved in 4.0).
    port = context.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
  }

  /** The absolute URL of {@code path} below the context path. */
  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + CONTEXT_PATH + path);
  }

  @Override
  public void close() {
    context.close();
  }
}
