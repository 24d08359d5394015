package dev.kafkarest.compat.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.cfg.PackageVersion;
import org.apache.catalina.util.ServerInfo;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.utils.AppInfoParser;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootVersion;

/** The contract ran on Boot's own versions: nothing in this build overrode what Boot's parent manages. */
class SpringBootVersionsTest {
  @Test
  void springBoot() {
    assertEquals(expected("boot"), SpringBootVersion.getVersion());
  }

  @Test
  void jackson() {
    assertEquals(expected("jackson"), PackageVersion.VERSION.toString());
  }

  @Test
  void kafkaClients() {
    assertEquals(expected("kafka"), AppInfoParser.getVersion());
    String jar = KafkaProducer.class.getProtectionDomain().getCodeSource().getLocation().getPath();
    assertTrue(jar.endsWith("/kafka-clients-" + expected("kafka") + ".jar"), jar);
  }

  @Test
  void tomcat() {
    assertEquals(expected("tomcat"), ServerInfo.getServerNumber().replaceAll("\\.0$", ""));
  }

  @Test
  void junit() {
    String version = Test.class.getPackage().getImplementationVersion();
    assertTrue(version.startsWith(expected("junit")), version);
  }

  private static String expected(String what) {
    return System.getProperty("expected." + what + ".version");
  }
}
