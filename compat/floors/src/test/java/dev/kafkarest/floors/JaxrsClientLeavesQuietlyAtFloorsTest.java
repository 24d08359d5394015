package dev.kafkarest.floors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kafkarest.KafkaRest;
import dev.kafkarest.KafkaRestConfig;
import dev.kafkarest.jaxrs.KafkaRestFeature;
import dev.kafkarest.testing.EventStreamClient;
import dev.kafkarest.testing.HttpCalls;
import dev.kafkarest.testing.SharedKafka;
import dev.kafkarest.testing.Topics;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.ServerProperties;
import org.glassfish.jersey.servlet.ServletContainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A client that leaves an event stream is normal for a stream that runs for hours: Jersey must not log it as an
 * error. Jersey closes the answer's stream after the proxy's body ended, and that close fails when the client is
 * gone ("Error while closing the output stream in order to commit response", SEVERE, once per client). Seen on
 * Jersey over Tomcat (here 3.1 on 10.1, at the floors), not over Jetty.
 */
@ExtendWith(SharedKafka.class)
class JaxrsClientLeavesQuietlyAtFloorsTest {
  private static final Logger RESPONDER = Logger.getLogger("org.glassfish.jersey.server.ServerRuntime$Responder");

  @Test
  void aClientLeavingAnEventStreamIsNotLoggedAsAnError() throws Exception {
    List<LogRecord> severe = new CopyOnWriteArrayList<>();
    Handler capture = new Handler() {
      @Override
      public void publish(LogRecord record) {
        if (record.getLevel().intValue() >= Level.SEVERE.intValue()) {
          severe.add(record);
        }
      }

      @Override
      public void flush() {
      }

      @Override
      public void close() {
      }
    };
    RESPONDER.addHandler(capture);
    String topic = Topics.create(SharedKafka.bootstrapServers(), 1);
    try (KafkaRest rest = KafkaRest.create(KafkaRestConfig.builder().bootstrapServers(SharedKafka.bootstrapServers())
             .set(KafkaRestConfig.EVENTS_KEEPALIVE_MS, "200").build());
         FloorTomcat tomcat = new FloorTomcat("/api/*", new ServletContainer(new ResourceConfig()
             .register(KafkaRestFeature.builder(rest).path("kafka").build())
             .property(ServerProperties.WADL_FEATURE_DISABLE, true)
             .property(ServerProperties.OUTBOUND_CONTENT_LENGTH_BUFFER, 0)))) {
      URI events = URI.create(tomcat.uri("/api/kafka") + "/topics/" + topic + "/events");
      for (int i = 0; i < 3; i++) {
        try (EventStreamClient stream = EventStreamClient.get(events, Map.of())) {
          assertEquals(200, stream.status());
          assertTrue(stream.next(Duration.ofSeconds(20)).isComment());
        } // the client leaves; the stream notices at its next keep-alive
        // Jersey closes the answer after the stream ended, then completes the request: Tomcat counts it no more.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while ((rest.activeEventStreams() > 0 || tomcat.inProgressAsync() > 0) && System.nanoTime() < deadline) {
          Thread.sleep(20);
        }
        assertEquals(0, rest.activeEventStreams(), "the left stream ended");
        assertEquals(0, tomcat.inProgressAsync(), "Jersey completed the left stream's request");
      }
      assertEquals(200, new HttpCalls(tomcat.uri("/api/kafka")).get("/topics/" + topic).status());
    } finally {
      RESPONDER.removeHandler(capture);
    }
    assertEquals(List.of(), severe.stream().map(r -> r.getMessage() + " " + r.getThrown()).toList());
  }
}
