package dev.kafkarest.servlet.tomcat;

import dev.kafkarest.KafkaRest;
import dev.kafkarest.servlet.KafkaRestServlet;
import dev.kafkarest.testing.HttpCalls;
import dev.kafkarest.testing.ProxyContractLongPolls;
import dev.kafkarest.testing.SharedKafka;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Tomcat with 4 worker threads serves other requests while 10 long polls wait (Servlet async). */
@ExtendWith(SharedKafka.class)
class TomcatFewThreadsTest {
  @Test
  void longPollsHoldNoWorkerThread() throws Exception {
    try (KafkaRest rest = KafkaRest.create(ProxyContractLongPolls.config());
         TomcatServer tomcat = new TomcatServer("/app", "/kafka/*", new KafkaRestServlet(rest), Map.of(), 4)) {
      ProxyContractLongPolls.assertPollsHoldNoThreads(new HttpCalls(tomcat.mount()), 10);
    }
  }
}
