package dev.kafkarest.servlet.tomcat;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.catalina.util.ServerInfo;
import org.junit.jupiter.api.Test;

/** Each surefire execution claims a Tomcat line; this proves the classpath really holds that one. */
class TomcatVersionTest {
  @Test
  void theExpectedTomcatIsOnTheClasspath() {
    String expected = System.getProperty("expected.tomcat.version");
    assertNotNull(expected, "the surefire execution must set expected.tomcat.version");
    assertTrue(ServerInfo.getServerNumber().startsWith(expected), ServerInfo.getServerInfo());
  }
}
