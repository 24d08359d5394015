package dev.kafkarest.examples.boot;

import dev.kafkarest.KafkaRest;
import dev.kafkarest.testing.ProxyContract;
import java.net.URI;

/** The contract against the example's own configuration, on Boot 4's embedded Tomcat in context /app. */
class SpringBootExampleTest extends ProxyContract {
  private ExampleHost host;

  @Override
  protected URI mount(KafkaRest rest) {
    host = ExampleHost.withProxy(rest);
    return host.uri("/kafka");
  }

  @Override
  protected void unmount() {
    host.close();
  }
}
