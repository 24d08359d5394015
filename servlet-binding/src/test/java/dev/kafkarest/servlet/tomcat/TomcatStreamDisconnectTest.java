package dev.kafkarest.servlet.tomcat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kafkarest.KafkaRest;
import dev.kafkarest.KafkaRestConfig;
import dev.kafkarest.servlet.KafkaRestServlet;
import dev.kafkarest.testing.SharedKafka;
import dev.kafkarest.testing.StreamingSocket;
import dev.kafkarest.testing.Topics;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A streaming produce whose client vanishes mid-body must end its async request in Tomcat too: otherwise
 * Tomcat counts it as in progress for ever and a graceful shutdown (Spring Boot's) waits out its whole timeout.
 */
@ExtendWith(SharedKafka.class)
class TomcatStreamDisconnectTest {
  @Test
  void aStreamWhoseClientVanishesLeavesNoAsyncRequestBehind() throws Exception {
    KafkaRestConfig config = KafkaRestConfig.builder().bootstrapServers(SharedKafka.bootstrapServers()).build();
    try (KafkaRest rest = KafkaRest.create(config);
         TomcatServer tomcat = new TomcatServer("/app", "/kafka/*", new KafkaRestServlet(rest))) {
      String topic = Topics.create(SharedKafka.bootstrapServers(), 1);
      URI records = URI.create(tomcat.mount() + "/v3/clusters/any/topics/" + topic + "/records");
      for (int round = 0; round < 3; round++) {
        try (StreamingSocket stream = new StreamingSocket(records, "application/json")) {
          stream.sendChunk("{\"value\":{\"type\":\"STRING\",\"data\":\"a\"}}{\"value\":{\"type\":\"STRI");
          assertEquals(200, stream.status());
          stream.readLine();
        } // gone mid-record
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
      while ((tomcat.inProgressAsync() > 0 || rest.activeProduceStreams() > 0) && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertEquals(0, rest.activeProduceStreams(), "produce streams still open");
      assertEquals(0, tomcat.inProgressAsync(), "async requests Tomcat still counts as in progress");
    }
  }
}
