package dev.kafkarest.classpath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kafkarest.KafkaRest;
import dev.kafkarest.KafkaRestConfig;
import org.apache.kafka.common.utils.AppInfoParser;
import org.junit.jupiter.api.Test;

/**
 * A host whose Jackson and kafka-clients are older than the floors (the surefire execution "too-old-libraries"
 * puts jackson 2.14 and kafka-clients 3.6 on the classpath instead of the build's): the proxy refuses to start,
 * with one message naming both, instead of answering requests with NoSuchMethodErrors.
 */
class TooOldLibrariesTest {
  @Test
  void refusesToStartAndNamesWhatWasFoundAndWhatIsNeeded() {
    assertEquals("2.14.3", com.fasterxml.jackson.databind.cfg.PackageVersion.VERSION.toString());
    // The client classes come from 3.6.2; Kafka's server jars, still on this classpath, carry a version file of
    // the same name (4.x), which the check must not read instead.
    assertTrue(AppInfoParser.class.getProtectionDomain().getCodeSource().getLocation().getPath()
        .endsWith("kafka-clients-3.6.2.jar"));
    KafkaRestConfig config = KafkaRestConfig.builder().bootstrapServers("127.0.0.1:9").build();
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> KafkaRest.create(config).close());
    String message = e.getMessage();
    assertTrue(message.startsWith("kafka-rest cannot start: "), message);
    assertTrue(message.contains("com.fasterxml.jackson.core:jackson-databind 2.14.3 is on the classpath, and 2.15 or "
        + "newer is needed"), message);
    assertTrue(message.contains("com.fasterxml.jackson.core:jackson-core 2.14.3"), message);
    assertTrue(message.contains("org.apache.kafka:kafka-clients 3.6.2 is on the classpath, and 3.7 or newer is "
        + "needed"), message);
  }
}
