package dev.kafkarest.floors;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kafkarest.KafkaRest;
import dev.kafkarest.KafkaRestConfig;
import dev.kafkarest.jaxrs.KafkaRestFeature;
import dev.kafkarest.testing.SharedKafka;
import dev.kafkarest.testing.StreamingSocket;
import dev.kafkarest.testing.Topics;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;
import org.glassfish.jersey.servlet.ServletContainer;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Jersey on Tomcat: a streaming produce whose client vanishes mid-body must end its async request in Tomcat
 * too, or Tomcat counts it as in progress for ever and a graceful shutdown waits out its whole timeout (the
 * servlet binding's {@code TomcatStreamDisconnectTest}, for the JAX-RS binding).
 *
 * <p>Not solved yet: Jersey ends the request with {@code AsyncContext.complete()} after the failed body read,
 * which Tomcat leaves counted as in progress (3 of 3 here); the servlet binding's way out, a re-dispatch that
 * returns at once, would re-enter Jersey as a new request. What a probe showed: the listener the binding adds is
 * registered, but neither its onComplete nor its onError ever fires; Tomcat's async state stays COMPLETING after
 * Jersey's complete(), and a second complete() from the binding (in Jersey's completion callback) is refused with
 * "Calling [asyncComplete()] is not valid for a request with Async state [COMPLETING]". The test reproduces it and
 * stays disabled until then.
 */
@ExtendWith(SharedKafka.class)
class JaxrsStreamDisconnectAtFloorsTest {
  @Test
  @Disabled("known issue (README, v3 streaming produce): Jersey's complete() after a failed body read stays counted")
  void aStreamWhoseClientVanishesLeavesNoAsyncRequestBehind() throws Exception {
    KafkaRestConfig config = KafkaRestConfig.builder().bootstrapServers(SharedKafka.bootstrapServers()).build();
    try (KafkaRest rest = KafkaRest.create(config)) {
      ResourceConfig app = new ResourceConfig()
          .register(KafkaRestFeature.builder(rest).path("kafka").build())
          .property(ServerProperties.WADL_FEATURE_DISABLE, true)
          .property(ServerProperties.OUTBOUND_CONTENT_LENGTH_BUFFER, 0);
      FloorTomcat tomcat = new FloorTomcat("/api/*", new ServletContainer(app));
      try {
        String topic = Topics.create(SharedKafka.bootstrapServers(), 1);
        URI records = tomcat.uri("/api/kafka/v3/clusters/any/topics/" + topic + "/records");
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
      } finally {
        tomcat.close();
      }
    }
  }
}
