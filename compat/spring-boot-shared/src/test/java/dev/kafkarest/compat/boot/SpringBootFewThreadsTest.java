package dev.kafkarest.compat.boot;

import dev.kafkarest.KafkaRest;
import dev.kafkarest.testing.HttpCalls;
import dev.kafkarest.testing.ProxyContractLongPolls;
import dev.kafkarest.testing.SharedKafka;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Boot's Tomcat with 4 worker threads serves other requests while 10 long polls wait, on both registrations. */
@ExtendWith(SharedKafka.class)
class SpringBootFewThreadsTest {
  private static final String[] FOUR_THREADS = {"--server.tomcat.threads.max=4", "--server.tomcat.threads.min-spare=1"};

  @Test
  void servletLongPollsHoldNoWorkerThread() {
    try (KafkaRest rest = KafkaRest.create(ProxyContractLongPolls.config());
         BootHost host = new BootHost(ServletApp.class, rest, FOUR_THREADS)) {
      ProxyContractLongPolls.assertPollsHoldNoThreads(new HttpCalls(host.uri("/kafka")), 10);
    }
  }

  @Test
  void jerseyLongPollsHoldNoWorkerThread() {
    try (KafkaRest rest = KafkaRest.create(ProxyContractLongPolls.config());
         BootHost host = new BootHost(JerseyApp.class, rest,
             FOUR_THREADS[0], FOUR_THREADS[1], "--spring.jersey.application-path=/api")) {
      ProxyContractLongPolls.assertPollsHoldNoThreads(new HttpCalls(host.uri("/api/kafka")), 10);
    }
  }
}
