package dev.kafkarest.floors;

import jakarta.servlet.Servlet;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.apache.catalina.Context;
import org.apache.catalina.Wrapper;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;

/** Tomcat 10.1 (Servlet 6.0, the floor) on 127.0.0.1, context /app, one async servlet. */
final class FloorTomcat implements AutoCloseable {
  private final Tomcat tomcat = new Tomcat();
  private final Connector connector = new Connector();
  private final Path baseDir;
  private final Context context;
  /** Tomcat points these at its base directory, and a later Tomcat would create it again: put them back. */
  private final java.util.Properties before = (java.util.Properties) System.getProperties().clone();

  FloorTomcat(String mapping, Servlet servlet) throws Exception {
    baseDir = Files.createTempDirectory("tomcat-floors-");
    tomcat.setBaseDir(baseDir.toString());
    connector.setPort(0);
    connector.setProperty("address", "127.0.0.1");
    tomcat.setConnector(connector);
    context = tomcat.addContext("/app", null);
    Wrapper wrapper = Tomcat.addServlet(context, "kafka", servlet);
    wrapper.setAsyncSupported(true);
    context.addServletMappingDecoded(mapping, "kafka");
    tomcat.start();
  }

  /** Async requests Tomcat counts as in progress in the context (a graceful shutdown waits for them). */
  long inProgressAsync() {
    return ((org.apache.catalina.core.StandardContext) context).getInProgressAsyncCount();
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/app" + path);
  }

  @Override
  public void close() throws Exception {
    try {
      tomcat.stop();
      tomcat.destroy();
    } finally {
      for (String key : new String[] {"catalina.home", "catalina.base"}) {
        String value = before.getProperty(key);
        if (value == null) {
          System.clearProperty(key);
        } else {
          System.setProperty(key, value);
        }
      }
      try (Stream<Path> files = Files.walk(baseDir)) {
        files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }
}
