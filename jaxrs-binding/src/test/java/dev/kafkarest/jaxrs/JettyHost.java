package dev.kafkarest.jaxrs;

import java.net.URI;
import java.util.function.Consumer;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/** Jetty 12 ee10 on 127.0.0.1 with one context; the test sets up the JAX-RS runtime inside it. */
public final class JettyHost implements AutoCloseable {
  private final Server server;
  private final ServerConnector connector;
  private final String contextPath;

  public JettyHost(String contextPath, Consumer<ServletContextHandler> setup) throws Exception {
    this(contextPath, setup, null);
  }

  /** {@code threads}: a small pool for the async tests, or null for Jetty's default. */
  public JettyHost(String contextPath, Consumer<ServletContextHandler> setup, QueuedThreadPool threads)
      throws Exception {
    this.contextPath = contextPath;
    server = threads == null ? new Server() : new Server(threads);
    connector = new ServerConnector(server, 1, 1);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler(contextPath.isEmpty() ? "/" : contextPath);
    setup.accept(context);
    server.setHandler(context);
    server.start();
    if (!context.isAvailable()) {
      close();
      throw new IllegalStateException("the context did not start");
    }
  }

  /** An absolute URL below the context, e.g. {@code uri("/api/kafka")}. */
  public URI uri(String path) {
    return URI.create("http://127.0.0.1:" + connector.getLocalPort() + contextPath + path);
  }

  @Override
  public void close() throws Exception {
    server.stop();
  }
}
