package dev.kafkarest.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A self-signed certificate for 127.0.0.1, made at test time with the JDK's keytool: a PKCS12 keystore with the
 * key and a truststore holding only the certificate. The files live in a temporary directory of their own, which
 * {@link #close()} deletes.
 */
public record TestCertificates(Path keystore, Path truststore, String password) implements AutoCloseable {

  public static TestCertificates generate() throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("certs-");
    try {
      return generate(dir);
    } catch (Exception e) {
      deleteTree(dir);
      throw e;
    }
  }

  private static TestCertificates generate(Path dir) throws IOException, InterruptedException {
    Path keystore = dir.resolve("server.p12");
    Path cert = dir.resolve("server.crt");
    Path truststore = dir.resolve("trust.p12");
    String password = "test-secret";
    keytool("-genkeypair", "-alias", "server", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
        "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-keystore", keystore.toString(),
        "-storetype", "PKCS12", "-storepass", password, "-keypass", password);
    keytool("-exportcert", "-alias", "server", "-keystore", keystore.toString(), "-storepass", password,
        "-file", cert.toString());
    keytool("-importcert", "-noprompt", "-alias", "server", "-file", cert.toString(), "-keystore",
        truststore.toString(), "-storetype", "PKCS12", "-storepass", password);
    return new TestCertificates(keystore, truststore, password);
  }

  /** Deletes the directory holding the keystore, the truststore and the exported certificate. */
  @Override
  public void close() throws IOException {
    deleteTree(keystore.getParent());
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }

  private static void keytool(String... args) throws IOException, InterruptedException {
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    List<String> command = new java.util.ArrayList<>(List.of(keytool.toString()));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IOException("keytool failed: " + output);
    }
  }
}
