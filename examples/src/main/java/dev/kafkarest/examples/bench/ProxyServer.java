package dev.kafkarest.examples.bench;

import dev.kafkarest.KafkaRest;
import dev.kafkarest.KafkaRestConfig;
import dev.kafkarest.servlet.KafkaRestServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import one.profiler.AsyncProfiler;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * The proxy under test, run by {@link Benchmark} in a child JVM so that its resident memory and threads can be
 * read apart from the broker and the load generator: Jetty 12 on 127.0.0.1, {@link KafkaRestServlet} under
 * {@code /kafka}, plus {@code GET /bench/stats} (heap after a GC, live threads) and {@code GET /bench/profile}
 * (an async-profiler command, for {@link WindowProfiler}). Args: bootstrap servers, then
 * optional {@code key=value} proxy settings. Prints {@code PORT <n>} when ready; stops when stdin closes.
 */
public final class ProxyServer {
  private ProxyServer() {}

  public static void main(String[] args) throws Exception {
    KafkaRestConfig.Builder config = KafkaRestConfig.builder().bootstrapServers(args[0]);
    for (int i = 1; i < args.length; i++) {
      int eq = args[i].indexOf('=');
      config.set(args[i].substring(0, eq), args[i].substring(eq + 1));
    }
    KafkaRest rest = KafkaRest.create(config.build());
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler("/");
    ServletHolder proxy = new ServletHolder(new KafkaRestServlet(rest));
    proxy.setAsyncSupported(true);
    context.addServlet(proxy, "/kafka/*");
    context.addServlet(new ServletHolder(new Stats()), "/bench/stats");
    context.addServlet(new ServletHolder(new Profile()), "/bench/profile");
    server.setHandler(context);
    server.start();
    System.out.println("PORT " + connector.getLocalPort());
    System.out.flush();
    while (System.in.read() >= 0) {
      // runs until the benchmark closes our stdin (or dies)
    }
    server.stop();
    rest.close();
    System.exit(0);
  }

  /** Heap in use after a full GC and the live thread count, as JSON. */
  static final class Stats extends HttpServlet {
    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      System.gc();
      System.gc();
      MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
      MemoryUsage nonHeap = ManagementFactory.getMemoryMXBean().getNonHeapMemoryUsage();
      String json = "{\"heap_used\":" + heap.getUsed() + ",\"heap_committed\":" + heap.getCommitted()
          + ",\"non_heap_used\":" + nonHeap.getUsed()
          + ",\"threads\":" + ManagementFactory.getThreadMXBean().getThreadCount() + "}";
      resp.setContentType("application/json");
      resp.getOutputStream().write(json.getBytes(StandardCharsets.UTF_8));
    }
  }

  /** Runs the async-profiler command in the query string (start, stop with a file) inside this JVM. */
  static final class Profile extends HttpServlet {
    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      String command = URLDecoder.decode(req.getQueryString(), StandardCharsets.UTF_8);
      String answer = AsyncProfiler.getInstance().execute(command);
      resp.setContentType("text/plain");
      resp.getOutputStream().write(answer.getBytes(StandardCharsets.UTF_8));
    }
  }
}
