package dev.kafkarest.examples.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kafkarest.testing.HttpCalls;
import dev.kafkarest.testing.ProxyContractThreads;
import dev.kafkarest.testing.SharedKafka;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.core.NestedExceptionUtils;

/** The example started as users start it: its proxy comes from the kafka.rest.* properties. */
@ExtendWith(SharedKafka.class)
class SpringBootExampleStartupTest {
  @Test
  void readsTheProxyFromKafkaRestPropertiesAndClosesItOnShutdown() {
    String clientId = "boot-example-" + UUID.randomUUID();
    try (ExampleHost host = ExampleHost.withProperties(
        "--kafka.rest.bootstrap.servers=" + SharedKafka.bootstrapServers(),
        "--kafka.rest.producer.client.id=" + clientId)) {
      HttpCalls.Reply r = new HttpCalls(host.uri("/kafka")).get("/brokers");
      assertEquals(200, r.status(), r::toString);
      assertEquals("{\"brokers\":[1]}", r.body());
      ProxyContractThreads.assertOpen(clientId);
      // application.properties keeps the clients' config dumps out of the log (4.x logs them as AbstractConfig).
      assertFalse(LoggerFactory.getLogger("org.apache.kafka.common.config.AbstractConfig").isInfoEnabled());
    }
    ProxyContractThreads.assertClosed(clientId);
  }

  @Test
  void withoutBrokersItStopsAndNamesThePropertyToSet() {
    RuntimeException e = assertThrows(RuntimeException.class, ExampleHost::withProperties);
    Throwable cause = NestedExceptionUtils.getMostSpecificCause(e); // beneath Spring's bean creation errors
    InvalidConfigurationPropertyValueException missing =
        assertInstanceOf(InvalidConfigurationPropertyValueException.class, cause, cause::toString);
    assertEquals("kafka.rest.bootstrap.servers", missing.getName());
  }
}
