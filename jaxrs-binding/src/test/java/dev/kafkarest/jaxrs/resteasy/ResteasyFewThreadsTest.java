package dev.kafkarest.jaxrs.resteasy;

import dev.kafkarest.KafkaRest;
import dev.kafkarest.jaxrs.JettyHost;
import dev.kafkarest.jaxrs.KafkaRestFeature;
import dev.kafkarest.testing.HttpCalls;
import dev.kafkarest.testing.ProxyContractLongPolls;
import dev.kafkarest.testing.SharedKafka;
import jakarta.ws.rs.core.Application;
import java.util.Set;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.jboss.resteasy.plugins.server.servlet.HttpServlet30Dispatcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** RESTEasy on Jetty with an 8-thread pool serves other requests while 12 long polls wait (AsyncResponse). */
@ExtendWith(SharedKafka.class)
class ResteasyFewThreadsTest {
  static volatile KafkaRest rest;

  public static class KafkaApplication extends Application {
    @Override
    public Set<Object> getSingletons() {
      return Set.of(new KafkaRestFeature(rest));
    }
  }

  @Test
  void longPollsHoldNoPoolThread() throws Exception {
    QueuedThreadPool threads = new QueuedThreadPool(8, 8);
    threads.setReservedThreads(0);
    KafkaRest proxy = KafkaRest.create(ProxyContractLongPolls.config());
    rest = proxy;
    try (proxy;
         JettyHost jetty = new JettyHost("", context -> {
           ServletHolder holder = new ServletHolder(new HttpServlet30Dispatcher());
           holder.setInitParameter("jakarta.ws.rs.Application", KafkaApplication.class.getName());
           holder.setInitParameter("resteasy.servlet.mapping.prefix", "/kafka");
           holder.setAsyncSupported(true);
           context.addServlet(holder, "/kafka/*");
         }, threads)) {
      ProxyContractLongPolls.assertPollsHoldNoThreads(new HttpCalls(jetty.uri("/kafka")), 12);
    }
  }
}
