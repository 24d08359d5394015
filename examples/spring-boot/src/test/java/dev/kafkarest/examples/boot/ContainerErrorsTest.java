package dev.kafkarest.examples.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kafkarest.KafkaRest;
import dev.kafkarest.KafkaRestConfig;
import dev.kafkarest.testing.HttpCalls.Reply;
import dev.kafkarest.testing.RawHttp;
import dev.kafkarest.testing.SharedKafka;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Requests Tomcat (or Boot) refuses before the proxy sees them, over a raw socket: every answer is still the
 * proxy's JSON error body, never Tomcat's HTML report or Boot's whitelabel page.
 */
@ExtendWith(SharedKafka.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ContainerErrorsTest {
  private KafkaRest rest;
  private ExampleHost host;
  private URI base;

  @BeforeAll
  void start() {
    rest = KafkaRest.create(KafkaRestConfig.builder().bootstrapServers(SharedKafka.bootstrapServers()).build());
    host = ExampleHost.withProxy(rest);
    base = host.uri("");
  }

  @AfterAll
  void stop() {
    host.close();
    rest.close();
  }

  private Reply raw(String target, String... headerLines) throws Exception {
    StringBuilder request = new StringBuilder("GET ").append(target).append(" HTTP/1.1\r\nHost: ")
        .append(base.getHost()).append(':').append(base.getPort()).append("\r\n");
    for (String header : headerLines) {
      request.append(header).append("\r\n");
    }
    request.append("Connection: close\r\n\r\n");
    return RawHttp.exchange(base, request.toString().getBytes(StandardCharsets.ISO_8859_1), Duration.ofSeconds(30));
  }

  private static void jsonError(Reply reply, int status) {
    assertEquals(status, reply.status(), reply::toString);
    assertTrue(reply.contentType() != null && reply.contentType().startsWith("application/json"), reply::toString);
    JsonNode body = reply.json();
    assertEquals(status, body.get("error_code").asInt(), reply::toString);
    assertTrue(body.get("message").asText().startsWith("HTTP " + status), reply::toString);
    assertEquals(2, body.size(), reply::toString);
  }

  @Test
  void anEncodedSlashIsAJsonError() throws Exception {
    jsonError(raw(ExampleHost.CONTEXT_PATH + "/kafka/topics/a%2Fb"), 400);
  }

  @Test
  void dotDotSegmentsAreAJsonError() throws Exception {
    jsonError(raw(ExampleHost.CONTEXT_PATH + "/../../etc/passwd"), 400);
  }

  @Test
  void illegalHeaderBytesAreAJsonError() throws Exception {
    jsonError(raw(ExampleHost.CONTEXT_PATH + "/kafka/topics", "X-Bad: a\u0001b"), 400);
  }

  @Test
  void oversizedHeadersAreAJsonError() throws Exception {
    Reply reply = raw(ExampleHost.CONTEXT_PATH + "/kafka/topics", "X-Big: " + "a".repeat(64 * 1024));
    jsonError(reply, reply.status() == 431 ? 431 : 400); // Tomcat says 400 where Jetty says 431
  }

  @Test
  void aPathOutsideTheMountIsAJsonError() throws Exception {
    jsonError(raw(ExampleHost.CONTEXT_PATH + "/elsewhere"), 404);
  }

  @Test
  void theProxyItselfStillAnswers() throws Exception {
    assertEquals(200, raw(ExampleHost.CONTEXT_PATH + "/kafka/topics").status());
  }
}
