package dev.kafkarest.compat.boot;

import dev.kafkarest.KafkaRest;
import dev.kafkarest.testing.ProxyContract;
import java.net.URI;

/** The contract on Boot's embedded Tomcat: context /app, ServletRegistrationBean under /kafka/*. */
class SpringBootServletTest extends ProxyContract {
  private BootHost host;

  @Override
  protected URI mount(KafkaRest rest) {
    host = new BootHost(ServletApp.class, rest);
    return host.uri("/kafka");
  }

  @Override
  protected void unmount() {
    host.close();
  }
}
