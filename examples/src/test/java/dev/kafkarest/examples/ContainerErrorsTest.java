package dev.kafkarest.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kafkarest.testing.HttpCalls.Reply;
import dev.kafkarest.testing.RawHttp;
import dev.kafkarest.testing.SharedKafka;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Requests Jetty refuses before the proxy sees them, sent over a raw socket since no HTTP client sends them:
 * every answer is still the proxy's JSON error body, never Jetty's HTML page.
 */
@ExtendWith(SharedKafka.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ContainerErrorsTest {
  private ExampleServer server;
  private URI base;

  @BeforeAll
  void start() throws Exception {
    Properties props = new Properties();
    props.setProperty("listeners", "http://127.0.0.1:0");
    props.setProperty("bootstrap.servers", SharedKafka.bootstrapServers());
    server = ExampleServer.start(props);
    base = server.baseUri();
  }

  @AfterAll
  void stop() throws Exception {
    server.close();
  }

  private Reply raw(String requestLine, String... headerLines) throws Exception {
    StringBuilder request = new StringBuilder(requestLine).append("\r\nHost: ").append(base.getHost()).append(':')
        .append(base.getPort()).append("\r\n");
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
    jsonError(raw("GET /kafka/topics/a%2Fb HTTP/1.1"), 400);
  }

  @Test
  void dotDotSegmentsAreAJsonError() throws Exception {
    jsonError(raw("GET /kafka/../../etc/passwd HTTP/1.1"), 400);
    jsonError(raw("GET /kafka/topics/%2e%2e/x HTTP/1.1"), 400);
  }

  @Test
  void illegalHeaderBytesAreAJsonError() throws Exception {
    jsonError(raw("GET /kafka/topics HTTP/1.1", "X-Bad: a\u0001b"), 400);
  }

  @Test
  void oversizedHeadersAreAJsonError() throws Exception {
    jsonError(raw("GET /kafka/topics HTTP/1.1", "X-Big: " + "a".repeat(64 * 1024)), 431);
  }

  @Test
  void aPathOutsideTheMountIsAJsonError() throws Exception {
    jsonError(raw("GET /elsewhere HTTP/1.1"), 404);
  }

  @Test
  void theProxyItselfStillAnswers() throws Exception {
    assertEquals(200, raw("GET /kafka/topics HTTP/1.1").status());
  }
}
