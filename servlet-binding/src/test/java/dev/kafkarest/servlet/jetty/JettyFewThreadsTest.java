package dev.kafkarest.servlet.jetty;

import dev.kafkarest.KafkaRest;
import dev.kafkarest.servlet.KafkaRestServlet;
import dev.kafkarest.testing.HttpCalls;
import dev.kafkarest.testing.ProxyContractLongPolls;
import dev.kafkarest.testing.SharedKafka;
import java.util.Map;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Jetty with an 8-thread pool (one acceptor and one selector take two, so at most 6 handle requests) serves
 * other requests while 12 long polls wait (Servlet async).
 */
@ExtendWith(SharedKafka.class)
class JettyFewThreadsTest {
  @Test
  void longPollsHoldNoPoolThread() throws Exception {
    QueuedThreadPool threads = new QueuedThreadPool(8, 8);
    threads.setReservedThreads(0);
    try (KafkaRest rest = KafkaRest.create(ProxyContractLongPolls.config());
         JettyServer jetty = new JettyServer("/app", "/kafka/*", new KafkaRestServlet(rest), Map.of(), threads)) {
      ProxyContractLongPolls.assertPollsHoldNoThreads(new HttpCalls(jetty.mount()), 12);
    }
  }
}
