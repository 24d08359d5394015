package dev.kafkarest.floors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kafkarest.KafkaRest;
import dev.kafkarest.KafkaRestConfig;
import dev.kafkarest.http.MediaTypes;
import dev.kafkarest.testing.DirectCalls;
import dev.kafkarest.testing.SharedKafka;
import dev.kafkarest.testing.Topics;
import java.lang.management.ManagementFactory;
import java.util.Set;
import java.util.stream.Collectors;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * kafka-clients 3.x adds its JmxReporter unless auto.include.jmx.reporter is off, whatever metric.reporters says:
 * a consumer instance, once its KafkaConsumer exists, must still register no metric MBeans (Kafka's own
 * app-info MBean is registered by every client, reporters or not).
 */
@ExtendWith(SharedKafka.class)
class ConsumerJmxAtFloorsTest {
  @Test
  void aUsedConsumerInstanceRegistersNoMetricMBeans() throws Exception {
    String topic = Topics.create(SharedKafka.bootstrapServers(), 1);
    KafkaRestConfig config = KafkaRestConfig.builder().bootstrapServers(SharedKafka.bootstrapServers()).build();
    try (KafkaRest rest = KafkaRest.create(config)) {
      DirectCalls calls = new DirectCalls(rest);
      String base = "/consumers/jmx-floor/instances/one";
      assertEquals(200, calls.post("/consumers/jmx-floor", MediaTypes.V2, "{\"name\":\"one\"}").status());
      assertEquals(204, calls.post(base + "/subscription", MediaTypes.V2,
          "{\"topics\":[\"" + topic + "\"]}").status());
      assertEquals(200, calls.call("GET", base + "/records?timeout=200", null, null,
          "Accept", MediaTypes.BINARY_V2).status());
      Set<String> appInfo = names("kafka.consumer:type=app-info,*");
      assertTrue(!appInfo.isEmpty(), "the instance's KafkaConsumer was never built, so this proves nothing");
      Set<String> all = names("kafka.consumer:*");
      all.removeAll(appInfo);
      assertEquals(Set.of(), all);
    }
  }

  private static Set<String> names(String pattern) throws Exception {
    return ManagementFactory.getPlatformMBeanServer().queryNames(new ObjectName(pattern), null).stream()
        .map(ObjectName::toString).collect(Collectors.toSet());
  }
}
