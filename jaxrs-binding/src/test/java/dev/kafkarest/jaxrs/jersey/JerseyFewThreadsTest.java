package dev.kafkarest.jaxrs.jersey;

import dev.kafkarest.KafkaRest;
import dev.kafkarest.jaxrs.JettyHost;
import dev.kafkarest.jaxrs.KafkaRestFeature;
import dev.kafkarest.testing.HttpCalls;
import dev.kafkarest.testing.ProxyContractLongPolls;
import dev.kafkarest.testing.SharedKafka;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;
import org.glassfish.jersey.servlet.ServletContainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Jersey on Jetty with an 8-thread pool serves other requests while 12 long polls wait (AsyncResponse). */
@ExtendWith(SharedKafka.class)
class JerseyFewThreadsTest {
  @Test
  void longPollsHoldNoPoolThread() throws Exception {
    QueuedThreadPool threads = new QueuedThreadPool(8, 8);
    threads.setReservedThreads(0);
    try (KafkaRest rest = KafkaRest.create(ProxyContractLongPolls.config());
         JettyHost jetty = new JettyHost("", context -> {
           ResourceConfig app = new ResourceConfig().register(new KafkaRestFeature(rest))
               .property(ServerProperties.WADL_FEATURE_DISABLE, true);
           ServletHolder holder = new ServletHolder(new ServletContainer(app));
           holder.setAsyncSupported(true);
           context.addServlet(holder, "/kafka/*");
         }, threads)) {
      ProxyContractLongPolls.assertPollsHoldNoThreads(new HttpCalls(jetty.uri("/kafka")), 12);
    }
  }
}
