package dev.kafkarest.examples.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The proxy in a child JVM ({@link ProxyServer}), with its resident memory, threads and CPU time from /proc. */
final class ProxyProcess implements AutoCloseable {
  private final Process process;
  final int port;

  private ProxyProcess(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  static ProxyProcess start(String bootstrap, List<String> jvmOptions, List<String> settings, Path log)
      throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmOptions);
    cmd.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(ProxyServer.class.getName());
    cmd.add(bootstrap);
    cmd.addAll(settings);
    Files.createDirectories(log.getParent());
    Process p = new ProcessBuilder(cmd).redirectError(log.toFile()).start();
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String line;
    while ((line = out.readLine()) != null) {
      if (line.startsWith("PORT ")) {
        return new ProxyProcess(p, Integer.parseInt(line.substring(5).trim()));
      }
    }
    p.destroyForcibly();
    throw new IOException("The proxy process did not start; see " + log);
  }

  long pid() {
    return process.pid();
  }

  double rssMib() {
    return statusField("VmRSS:") / 1024.0;
  }

  int threads() {
    return (int) statusField("Threads:");
  }

  /** System (kernel) CPU time of the whole process, in seconds. */
  double sysSeconds() {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid() + "/stat"));
      return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[12]) / 100.0;
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }

  /** Voluntary and involuntary context switches of the whole process (all threads). */
  long contextSwitches() {
    long total = 0;
    try (var tasks = Files.list(Path.of("/proc/" + pid() + "/task"))) {
      for (Path t : (Iterable<Path>) tasks::iterator) {
        for (String l : Files.readAllLines(t.resolve("status"))) {
          if (l.startsWith("voluntary_ctxt_switches:") || l.startsWith("nonvoluntary_ctxt_switches:")) {
            total += Long.parseLong(l.substring(l.indexOf(':') + 1).trim());
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return total;
  }

  /** User plus system CPU time of the whole process, in seconds. */
  double cpuSeconds() {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid() + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      // fields after the command: state(3) ... utime(14) stime(15), so index 11 and 12 here
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }

  private long statusField(String name) {
    try {
      for (String l : Files.readAllLines(Path.of("/proc/" + pid() + "/status"))) {
        if (l.startsWith(name)) {
          return Long.parseLong(l.substring(name.length()).trim().split("\\s+")[0]);
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux, or the process is gone
    }
    return -1;
  }

  @Override
  public void close() throws IOException {
    process.getOutputStream().close();
    try {
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  void kill() throws InterruptedException {
    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
  }
}
