package dev.kafkarest.compat.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kafkarest.KafkaRest;
import dev.kafkarest.testing.HttpCalls;
import dev.kafkarest.testing.ProxyContract;
import java.net.URI;
import org.junit.jupiter.api.Test;

/**
 * The contract on Boot's Jersey starter, on Boot's embedded Tomcat: context /app, Jersey under /api (Spring MVC's
 * DispatcherServlet keeps /), the proxy at sub-path kafka.
 */
class SpringBootJerseyTest extends ProxyContract {
  private BootHost host;

  @Override
  protected URI mount(KafkaRest rest) {
    host = new BootHost(JerseyApp.class, rest, "--spring.jersey.application-path=/api");
    return host.uri("/api/kafka");
  }

  @Override
  protected void unmount() {
    host.close();
  }

  @Test
  void theHostsOwnResourceStillAnswers() {
    HttpCalls.Reply r = new HttpCalls(host.uri("/api")).unchecked().get("/hello");
    assertEquals(200, r.status(), r::toString);
    assertEquals("hello", r.body());
  }
}
