package dev.kafkarest.servlet.jetty;

import dev.kafkarest.KafkaRest;
import dev.kafkarest.servlet.KafkaRestServlet;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;

/**
 * The proxy's servlet for a node whose proxy needs the server's port first: mounted at {@code /kafka/*} before the
 * server starts, given its proxy once that exists.
 */
final class LateServlet extends HttpServlet {
  private volatile KafkaRestServlet target;

  /** A context at "/" with this servlet (async) at {@code /kafka/*}. */
  ServletContextHandler context() {
    ServletContextHandler context = new ServletContextHandler("/");
    ServletHolder holder = new ServletHolder(this);
    holder.setAsyncSupported(true);
    context.addServlet(holder, "/kafka/*");
    return context;
  }

  void serve(KafkaRest rest) {
    target = new KafkaRestServlet(rest);
  }

  @Override
  protected void service(HttpServletRequest req, HttpServletResponse resp) throws ServletException, IOException {
    target.service(req, resp);
  }
}
