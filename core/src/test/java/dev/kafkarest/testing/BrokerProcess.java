package dev.kafkarest.testing;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A real broker in a JVM of its own, for test hosts whose classpath cannot hold Kafka's server: a Spring Boot
 * application with its own managed kafka-clients and logging, or a run with every dependency at its oldest
 * supported version. The broker runs on core's own test classpath (Kafka {@code kafka.version}, the newest),
 * which also tests what users run: an older client against a current broker.
 *
 * <p>Turned on by the system property {@value #CLASSPATH_PROPERTY}: the path of the classpath file that core's
 * build writes ({@code core/target/broker.classpath}); core's {@code test-classes} and {@code classes} next to it
 * complete the classpath. The child stops when its standard input closes, so it never outlives the test JVM.
 */
public final class BrokerProcess implements AutoCloseable {
  public static final String CLASSPATH_PROPERTY = "kafka.rest.test.broker.classpath";
  private static final String READY = "BROKER-READY ";

  private final Process process;
  private final String bootstrapServers;

  private BrokerProcess(Process process, String bootstrapServers) {
    this.process = process;
    this.bootstrapServers = bootstrapServers;
  }

  /** Whether this test JVM is configured to run its broker out of process. */
  public static boolean configured() {
    return System.getProperty(CLASSPATH_PROPERTY) != null;
  }

  public static BrokerProcess start() throws Exception {
    Path file = Path.of(System.getProperty(CLASSPATH_PROPERTY));
    Path target = file.toAbsolutePath().getParent();
    String classpath = String.join(File.pathSeparator,
        target.resolve("test-classes").toString(), target.resolve("classes").toString(),
        Files.readString(file, StandardCharsets.UTF_8).trim());
    Process process = new ProcessBuilder(ChildJvm.java(), "-Xmx512m", "-cp", classpath, BrokerProcess.class.getName())
        .redirectError(ProcessBuilder.Redirect.DISCARD)
        .start();
    CompletableFuture<String> ready = ChildJvm.awaitLine(process, line -> line.startsWith(READY), "the broker process",
        "broker-process-output");
    try {
      return new BrokerProcess(process, ready.get(90, TimeUnit.SECONDS).substring(READY.length()).trim());
    } catch (Exception e) {
      process.destroyForcibly();
      throw new IllegalStateException("the broker process did not start", e);
    }
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  @Override
  public void close() throws Exception {
    process.getOutputStream().close();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  /** The child: one broker until standard input closes. */
  public static void main(String[] args) throws Exception {
    try (EmbeddedKafka kafka = new EmbeddedKafka()) {
      System.out.println(READY + kafka.bootstrapServers());
      System.out.flush();
      ChildJvm.awaitEndOfInput(); // the test JVM is done (or gone)
    }
  }
}
