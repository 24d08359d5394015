package dev.kafkarest.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kafkarest.KafkaRestConfig;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class NodeForwarderTest {

  @Test
  void endToEndHeadersTravelAndThoseOfTheConnectionDoNot() {
    Headers in = Headers.of(Map.of(
        "Authorization", List.of("Bearer alice"),
        "Content-Type", List.of("application/vnd.kafka.v2+json"),
        "Accept", List.of("application/vnd.kafka.json.v2+json"),
        "X-Custom", List.of("a", "b"),
        "Connection", List.of("keep-alive, X-Hop"),
        "X-Hop", List.of("only this hop"),
        "Keep-Alive", List.of("timeout=5"),
        "Transfer-Encoding", List.of("chunked"),
        "Host", List.of("node-a:8080"),
        "Content-Length", List.of("12")));
    Map<String, List<String>> out = new java.util.HashMap<>(NodeForwarder.forwardedHeaders(
        Headers.of(Map.of(NodeForwarder.MARKER, List.of("caller-made")))));
    assertEquals(Map.of(), out, "a marker the caller sent is not passed on (the forwarder sets its own)");
    Set<String> names = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    names.addAll(NodeForwarder.forwardedHeaders(in).keySet());
    assertEquals(new TreeSet<>(List.of("Accept", "Authorization", "Content-Type", "X-Custom")), names);
    assertEquals(List.of("a", "b"), NodeForwarder.forwardedHeaders(in).get("X-Custom"));
  }

  @Test
  void theAnswerKeepsItsOwnHeadersButNotThoseTheContainerWrites() {
    Map<String, List<String>> relayed = NodeForwarder.relayedHeaders(Map.of(
        "content-type", List.of("application/vnd.kafka.v2+json"),
        "content-length", List.of("2"),
        "date", List.of("Tue, 01 Dec 2026 10:00:00 GMT"),
        "connection", List.of("close"),
        "cache-control", List.of("no-cache")));
    assertEquals(Map.of("content-type", List.of("application/vnd.kafka.v2+json"),
        "cache-control", List.of("no-cache")), relayed);
  }

  @Test
  void aNodeUrlIsAnAbsoluteHttpUrlWithoutQuery() {
    assertEquals("http://10.0.0.5:8080/kafka", NodeForwarder.baseUrl(" http://10.0.0.5:8080/kafka/ "));
    assertEquals("https://node-a", NodeForwarder.baseUrl("https://node-a"));
    for (String bad : List.of("", "/kafka", "ftp://x/kafka", "http://x/kafka?a=b", "http://x/k#f",
        "http://user:pw@x/kafka", "http:///kafka", "not a url")) {
      assertThrows(IllegalArgumentException.class, () -> NodeForwarder.baseUrl(bad), bad);
    }
  }

  @Test
  void aBadNodeUrlFailsTheConfigurationNamingTheKey() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KafkaRestConfig.builder()
        .bootstrapServers("127.0.0.1:9").set(KafkaRestConfig.CONSUMER_NODE_URL, "node-a:8080/kafka").build());
    assertTrue(e.getMessage().startsWith(KafkaRestConfig.CONSUMER_NODE_URL), e.getMessage());
    assertEquals("http://node-a:8080/kafka", KafkaRestConfig.builder().bootstrapServers("127.0.0.1:9")
        .set(KafkaRestConfig.CONSUMER_NODE_URL, "http://node-a:8080/kafka").build()
        .get(KafkaRestConfig.CONSUMER_NODE_URL));
  }

  @Test
  void aNodeThatRefusesTheConnectionIsUnreachable() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    } // closed: nothing listens there now
    NodeForwarder forwarder = new NodeForwarder("test");
    try {
      RestRequest request = RestRequest.builder("GET", "/consumers/g/instances/c/subscription").build();
      NodeForwarder.Outcome outcome = forwarder.forward("http://127.0.0.1:" + port + "/kafka", request, new byte[0],
          Duration.ofSeconds(5)).get();
      assertInstanceOf(NodeForwarder.Unreachable.class, outcome, String.valueOf(outcome));
    } finally {
      forwarder.close();
    }
  }
}
