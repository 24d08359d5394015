package dev.kafkarest.compat.boot;

import dev.kafkarest.KafkaRest;
import dev.kafkarest.KafkaRestConfig;
import dev.kafkarest.testing.ProxyContractThreads;
import dev.kafkarest.testing.SharedKafka;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A proxy handed to the application belongs to the host: stopping Boot (servlet or Jersey) leaves it open. */
@ExtendWith(SharedKafka.class)
class SpringBootLifecycleTest {
  @Test
  void servletLeavesAHandedInProxyOpen() {
    assertOutlivesTheApplication(ServletApp.class);
  }

  @Test
  void jerseyLeavesAHandedInProxyOpen() {
    assertOutlivesTheApplication(JerseyApp.class, "--spring.jersey.application-path=/api");
  }

  private static void assertOutlivesTheApplication(Class<?> application, String... args) {
    String clientId = "boot-lifecycle-" + UUID.randomUUID();
    KafkaRestConfig config = KafkaRestConfig.builder()
        .bootstrapServers(SharedKafka.bootstrapServers())
        .set("producer.client.id", clientId)
        .build();
    try (KafkaRest rest = KafkaRest.create(config)) {
      new BootHost(application, rest, args).close();
      ProxyContractThreads.assertOpen(clientId);
    }
    ProxyContractThreads.assertClosed(clientId);
  }
}
