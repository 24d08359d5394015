package dev.kafkarest.servlet.tomcat;

import jakarta.servlet.Servlet;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleState;
import org.apache.catalina.Wrapper;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;

/**
 * An embedded Tomcat (10.1 or 11, whichever is on the test classpath) on 127.0.0.1 with one async servlet. Its
 * base directory is a temporary one, deleted on {@link #close()}.
 */
final class TomcatServer implements AutoCloseable {
  private static final String CATALINA_HOME = "catalina.home";
  private static final String CATALINA_BASE = "catalina.base";

  private final Tomcat tomcat = new Tomcat();
  /** Tomcat sets these system properties to its base directory; close() puts back what was there before. */
  private final String previousHome = System.getProperty(CATALINA_HOME);
  private final String previousBase = System.getProperty(CATALINA_BASE);
  private final Path baseDir;
  private final Connector connector = new Connector();
  private final Context context;
  private final String contextPath;
  private final String mountPath;

  /**
   * @param contextPath "" for the root context, or e.g. "/app"
   * @param mapping the servlet mapping, e.g. "/kafka/*"
   * @param servlet the servlet, or null for a container-created {@code KafkaRestServlet} (init-params)
   * @param maxThreads the connector's worker threads, or 0 for Tomcat's default
   */
  TomcatServer(String contextPath, String mapping, Servlet servlet, Map<String, String> initParams, int maxThreads)
      throws Exception {
    baseDir = Files.createTempDirectory("tomcat-");
    tomcat.setBaseDir(baseDir.toString());
    connector.setPort(0);
    connector.setProperty("address", "127.0.0.1");
    if (maxThreads > 0) {
      connector.setProperty("maxThreads", Integer.toString(maxThreads));
      connector.setProperty("minSpareThreads", Integer.toString(maxThreads));
    }
    tomcat.setConnector(connector);
    context = tomcat.addContext(contextPath, null);
    Wrapper wrapper = servlet == null
        ? Tomcat.addServlet(context, "kafka", "dev.kafkarest.servlet.KafkaRestServlet")
        : Tomcat.addServlet(context, "kafka", servlet);
    wrapper.setAsyncSupported(true);
    initParams.forEach(wrapper::addInitParameter);
    wrapper.setLoadOnStartup(1);
    context.addServletMappingDecoded(mapping, "kafka");
    try {
      tomcat.start();
      if (context.getState() != LifecycleState.STARTED) {
        throw new IllegalStateException("the context did not start: " + context.getState());
      }
    } catch (Exception e) {
      close();
      throw e;
    }
    this.contextPath = contextPath;
    this.mountPath = mapping.endsWith("/*") ? mapping.substring(0, mapping.length() - 2) : mapping;
  }

  TomcatServer(String contextPath, String mapping, Servlet servlet) throws Exception {
    this(contextPath, mapping, servlet, Map.of(), 0);
  }

  /** Requests in Servlet async mode that Tomcat has not yet seen complete (what graceful shutdown waits for). */
  long inProgressAsync() {
    return ((org.apache.catalina.core.StandardContext) context).getInProgressAsyncCount();
  }

  URI mount() {
    return URI.create("http://127.0.0.1:" + connector.getLocalPort() + contextPath + mountPath);
  }

  @Override
  public void close() throws Exception {
    try {
      tomcat.stop();
      tomcat.destroy();
    } finally {
      // Left set, catalina.home would make the next Tomcat in this JVM create this directory again.
      restore(CATALINA_HOME, previousHome);
      restore(CATALINA_BASE, previousBase);
      deleteTree(baseDir);
    }
  }

  private static void restore(String key, String previous) {
    if (previous == null) {
      System.clearProperty(key);
    } else {
      System.setProperty(key, previous);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }
}
