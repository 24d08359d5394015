package dev.kafkarest.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the example servers say about a file or setting they cannot start with: one line, exit status 2. */
class ExampleSetupTest {
  @TempDir
  Path dir;

  @Test
  void aMissingPropertiesFileIsOneClearLine() {
    String missing = dir.resolve("my.properties").toString();
    ExampleSetup.SetupException e = assertThrows(ExampleSetup.SetupException.class,
        () -> ExampleSetup.properties(new String[] {missing}));
    assertEquals("cannot read properties file " + missing + ": No such file", e.getMessage());
  }

  @Test
  void aDirectoryGivenAsPropertiesFileIsOneClearLine() {
    ExampleSetup.SetupException e = assertThrows(ExampleSetup.SetupException.class,
        () -> ExampleSetup.properties(new String[] {dir.toString()}));
    assertEquals("cannot read properties file " + dir + ": Is a directory", e.getMessage());
  }

  @Test
  void bothMainsPrintOneLineAndExitWith2ForAMissingFile() throws Exception {
    String missing = dir.resolve("my.properties").toString();
    for (Class<?> main : List.of(ExampleServer.class, JerseyExampleServer.class)) {
      ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-cp", System.getProperty("java.class.path"), main.getName(), missing);
      // The launcher would print "Picked up ..." for these to stderr, next to the line under test.
      builder.environment().keySet().removeAll(List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS"));
      Process process = builder.start();
      process.getOutputStream().close();
      assertTrue(process.waitFor(60, TimeUnit.SECONDS), main.getSimpleName() + " did not exit");
      String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      assertEquals(2, process.exitValue(), main.getSimpleName() + ": " + stderr);
      assertEquals("kafka-rest-examples: cannot read properties file " + missing + ": No such file"
          + System.lineSeparator(), stderr, main.getSimpleName());
      assertEquals("", stdout, main.getSimpleName());
    }
  }

  @Test
  void aListenerThatIsNotHttpHostPortIsOneClearLine() {
    for (String listener : List.of("localhost:8082", "http://127.0.0.1", "ftp://127.0.0.1:21", "http://[::1")) {
      Properties props = new Properties();
      props.setProperty("listeners", listener);
      ExampleSetup.SetupException e = assertThrows(ExampleSetup.SetupException.class,
          () -> ExampleServer.start(props), listener);
      assertEquals("listeners must look like http://127.0.0.1:8082 or https://host:port, not \"" + listener + "\"",
          e.getMessage());
    }
  }

  @Test
  void anHttpsListenerWithoutAReadableKeystoreIsOneClearLine() {
    Properties props = new Properties();
    props.setProperty("listeners", "https://127.0.0.1:0");
    assertEquals("an https listener needs ssl.keystore.location",
        assertThrows(ExampleSetup.SetupException.class, () -> ExampleServer.start(props)).getMessage());
    String missing = dir.resolve("server.p12").toString();
    props.setProperty("ssl.keystore.location", missing);
    assertEquals("cannot read ssl.keystore.location " + missing + ": No such file",
        assertThrows(ExampleSetup.SetupException.class, () -> ExampleServer.start(props)).getMessage());
  }

  @Test
  void aMalformedProxyOrClientSettingIsOneClearLine() {
    Properties props = new Properties();
    props.setProperty("listeners", "http://127.0.0.1:0");
    props.setProperty("bootstrap.servers", "127.0.0.1:1"); // given: no embedded broker starts
    props.setProperty("schema.registry.url", "localhost:8081");
    assertEquals("schema.registry.url must list http or https URLs",
        assertThrows(ExampleSetup.SetupException.class, () -> JerseyExampleServer.start(props)).getMessage());
    props.setProperty("schema.registry.url", "http://127.0.0.1:1");
    props.setProperty("request.max.bytes", "lots");
    assertEquals("request.max.bytes must be a number",
        assertThrows(ExampleSetup.SetupException.class, () -> ExampleServer.start(props)).getMessage());
    props.remove("request.max.bytes");
    props.setProperty("client.security.protocol", "PLAINTEXTT");
    String message = assertThrows(ExampleSetup.SetupException.class, () -> ExampleServer.start(props)).getMessage();
    assertTrue(message.startsWith("Invalid value PLAINTEXTT for configuration security.protocol"), message);
  }
}
