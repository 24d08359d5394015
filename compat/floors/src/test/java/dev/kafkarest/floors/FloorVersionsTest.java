package dev.kafkarest.floors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import org.junit.jupiter.api.Test;

/** The contract runs here only prove something if the floors are what is really on the classpath. */
class FloorVersionsTest {
  @Test
  void everySharedLibraryIsAtItsFloor() {
    assertEquals("2.15.4", com.fasterxml.jackson.databind.cfg.PackageVersion.VERSION.toString());
    assertEquals("2.15.4", com.fasterxml.jackson.core.json.PackageVersion.VERSION.toString());
    assertJar(org.apache.kafka.clients.producer.KafkaProducer.class, "kafka-clients-3.7.2.jar");
    assertJar(org.slf4j.Logger.class, "slf4j-api-1.7.36.jar");
    assertJar(org.apache.avro.Schema.class, "avro-1.11.4.jar");
    assertJar(com.google.protobuf.Message.class, "protobuf-java-3.25.5.jar");
    assertJar(com.google.protobuf.util.JsonFormat.class, "protobuf-java-util-3.25.5.jar");
    assertJar(com.networknt.schema.SchemaRegistry.class, "json-schema-validator-2.0.0.jar");
    assertJar(io.micrometer.core.instrument.MeterRegistry.class, "micrometer-core-1.14.7.jar");
    assertJar(jakarta.ws.rs.core.Feature.class, "jakarta.ws.rs-api-3.1.0.jar");
    // Tomcat 10.1 implements Servlet 6.0 and brings its own API classes.
    assertTrue(org.apache.catalina.util.ServerInfo.getServerNumber().startsWith("10.1."));
  }

  private static void assertJar(Class<?> type, String jar) {
    URL location = type.getProtectionDomain().getCodeSource().getLocation();
    assertTrue(location.getPath().endsWith(jar), type.getName() + " comes from " + location);
  }
}
