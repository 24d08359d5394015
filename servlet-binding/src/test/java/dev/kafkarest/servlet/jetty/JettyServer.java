package dev.kafkarest.servlet.jetty;

import jakarta.servlet.Servlet;
import java.net.URI;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/** An embedded Jetty 12 (ee10) on 127.0.0.1 with one servlet, registered the way a host would (async on). */
final class JettyServer implements AutoCloseable {
  private final Server server;
  private final ServerConnector connector;
  private final String contextPath;
  private final String mountPath;

  /**
   * @param contextPath "" for the root context, or e.g. "/app"
   * @param mapping the servlet mapping, e.g. "/kafka/*" or "/*"
   */
  JettyServer(String contextPath, String mapping, Servlet servlet, Map<String, String> initParams,
              QueuedThreadPool threads) throws Exception {
    server = threads == null ? new Server() : new Server(threads);
    connector = new ServerConnector(server, 1, 1);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler(contextPath.isEmpty() ? "/" : contextPath);
    ServletHolder holder = servlet == null ? new ServletHolder(dev.kafkarest.servlet.KafkaRestServlet.class)
        : new ServletHolder(servlet);
    holder.setAsyncSupported(true);
    holder.setInitParameters(initParams);
    context.addServlet(holder, mapping);
    server.setHandler(context);
    server.start();
    this.contextPath = contextPath;
    this.mountPath = mapping.endsWith("/*") ? mapping.substring(0, mapping.length() - 2) : mapping;
  }

  JettyServer(String contextPath, String mapping, Servlet servlet) throws Exception {
    this(contextPath, mapping, servlet, Map.of(), null);
  }

  /** The absolute URL of the mount point, e.g. http://127.0.0.1:1234/app/kafka. */
  URI mount() {
    return URI.create("http://127.0.0.1:" + connector.getLocalPort() + contextPath + mountPath);
  }

  @Override
  public void close() throws Exception {
    server.stop();
  }
}
