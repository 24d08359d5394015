package dev.kafkarest.servlet.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kafkarest.KafkaRest;
import dev.kafkarest.KafkaRestConfig;
import dev.kafkarest.http.NodeForwarder;
import dev.kafkarest.metrics.ConsumerMeter;
import dev.kafkarest.metrics.ProxyMetrics;
import dev.kafkarest.testing.HttpCalls;
import dev.kafkarest.testing.HttpCalls.Reply;
import dev.kafkarest.testing.SharedKafka;
import dev.kafkarest.testing.Topics;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.io.IOException;
import java.net.URI;

import java.security.Principal;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Durable consumer instances with forwarding ({@code consumer.instances.node.url}) over real HTTP: three proxy
 * nodes, each its own {@code KafkaRest} behind its own Jetty, one broker. A client that sends every call to the
 * next node has every call on a non-owner forwarded to the owner: the instance never moves, so nothing is read
 * twice. The owner's Jetty stopped, the next node takes the instance over; the access rule holds on the owner; a
 * forwarded request is never forwarded again.
 *
 * <p>Callers authenticate with {@code Authorization: Bearer <name>} (a filter, as a host's security would), or
 * with {@code X-Test-Certificate: <name>}, which stands for a client certificate: a principal that the forwarded
 * headers do not establish on another node (the filter believes that header only when no Authorization came).
 */
@ExtendWith(SharedKafka.class)
class JettyDurableForwardingTest {
  private static final String V2 = "application/vnd.kafka.v2+json";
  private static final String JSON_V2 = "application/vnd.kafka.json.v2+json";
  private static final String STATE_TOPIC = "_state-forward-" + UUID.randomUUID();
  private static final List<Node> NODES = new ArrayList<>();

  /** One proxy node: its Jetty (started first, so its URL is known), its proxy, and what it counted. */
  private static final class Node {
    final Server server;
    final ServerConnector connector;
    final KafkaRest rest;
    final Counts counts = new Counts();
    final HttpCalls calls;

    Node(String name) throws Exception {
      this(name, STATE_TOPIC, 300_000, dev.kafkarest.kafka.KafkaClients.standard());
    }

    Node(String name, String stateTopic, long instanceTimeoutMs, dev.kafkarest.kafka.KafkaClients clients)
        throws Exception {
      server = new Server();
      connector = new ServerConnector(server, 1, 1);
      connector.setHost("127.0.0.1");
      connector.setPort(0);
      server.addConnector(connector);
      LateServlet late = new LateServlet();
      ServletContextHandler context = late.context();
      context.addFilter(new FilterHolder(new BearerPrincipal()), "/*", EnumSet.of(DispatcherType.REQUEST));
      server.setHandler(context);
      server.start();
      URI mount = URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/kafka");
      rest = KafkaRest.builder(KafkaRestConfig.builder().bootstrapServers(SharedKafka.bootstrapServers())
          .set(KafkaRestConfig.CONSUMER_DURABLE, "true").set(KafkaRestConfig.CONSUMER_STATE_TOPIC, stateTopic)
          .set(KafkaRestConfig.CONSUMER_NODE_ID, name).set(KafkaRestConfig.CONSUMER_NODE_URL, mount.toString())
          .set(KafkaRestConfig.CONSUMER_INSTANCE_TIMEOUT_MS, Long.toString(instanceTimeoutMs))
          .consumerRequestTimeoutMs(5000).build()).metrics(counts).clients(clients).build();
      late.serve(rest);
      calls = new HttpCalls(mount);
    }

    /** Starts the stopped Jetty again on the same port. */
    void restart() throws Exception {
      connector.setPort(URI.create(calls.mount()).getPort());
      server.start();
    }
  }

  /** What a node reports: forwarding outcomes, and instances it made (created or took over). */
  private static final class Counts implements ProxyMetrics {
    final AtomicInteger forwarded = new AtomicInteger();
    final AtomicInteger tookOver = new AtomicInteger();
    final AtomicInteger instances = new AtomicInteger();

    @Override
    public void consumerForward(String outcome) {
      (outcome.equals("forwarded") ? forwarded : tookOver).incrementAndGet();
    }

    @Override
    public ConsumerMeter consumerInstance() {
      instances.incrementAndGet();
      return ConsumerMeter.NONE;
    }
  }

  /** The host's authentication: a bearer token that is the caller's name, or the stand-in client certificate. */
  private static final class BearerPrincipal implements Filter {
    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
        throws IOException, ServletException {
      HttpServletRequest http = (HttpServletRequest) request;
      String auth = http.getHeader("Authorization");
      String name = auth != null && auth.startsWith("Bearer ") ? auth.substring(7)
          : auth == null ? http.getHeader("X-Test-Certificate") : null;
      chain.doFilter(name == null ? request : new HttpServletRequestWrapper(http) {
        @Override
        public Principal getUserPrincipal() {
          return () -> name;
        }
      }, response);
    }
  }

  @BeforeAll
  static void startNodes() throws Exception {
    for (String name : List.of("fa", "fb", "fc")) {
      NODES.add(new Node(name));
    }
  }

  @AfterAll
  static void stopNodes() throws Exception {
    for (Node n : NODES) {
      n.server.stop();
    }
    NODES.forEach(n -> n.rest.close());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    List<String> left;
    do { // the forwarders' pools end with their proxies
      left = Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
          .filter(name -> name.startsWith("kafka-rest-forward-")).toList();
    } while (!left.isEmpty() && System.nanoTime() < deadline && pause());
    assertEquals(List.of(), left, "forwarding threads left");
  }

  private static boolean pause() {
    try {
      Thread.sleep(50);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Test
  void roundRobinCallsAreForwardedToTheOwnerAndTheInstanceNeverMoves() {
    String group = "g-fwd-" + UUID.randomUUID();
    String topic = Topics.create(SharedKafka.bootstrapServers(), 3);
    int records = 10_000;
    Snapshot before = Snapshot.now();
    RoundRobin rr = new RoundRobin();
    String base = "/consumers/" + group + "/instances/c1";
    rr.call("POST", "/consumers/" + group, V2, "{\"name\":\"c1\",\"format\":\"json\",\"auto.offset.reset\":\"earliest\"}");
    rr.call("POST", base + "/subscription", V2, "{\"topics\":[\"" + topic + "\"]}");
    Topics.produceNumbered(SharedKafka.bootstrapServers(), topic, records);
    Set<String> seen = new HashSet<>();
    int duplicates = 0;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (seen.size() < records && System.nanoTime() < deadline) {
      Reply read = rr.call("GET", base + "/records?timeout=3000", null, null, "Accept", JSON_V2);
      if (read.status() == 200) {
        for (JsonNode r : read.json()) {
          if (!seen.add(r.get("partition").asInt() + ":" + r.get("offset").asLong())) {
            duplicates++;
          }
        }
      }
    }
    rr.call("POST", base + "/offsets", V2, null);
    rr.call("DELETE", base, null, null);

    assertEquals(List.of(), rr.failures, "every call answered on whichever node it reached");
    assertEquals(records, seen.size(), "records read");
    assertEquals(0, duplicates, "the instance never moved, so nothing came twice");
    Snapshot after = Snapshot.now();
    assertEquals(List.of(1, 0, 0), after.minus(before).instances, "only the node that created it ever held it");
    assertEquals(0, after.minus(before).tookOver.stream().mapToInt(Integer::intValue).sum(), "no takeover");
    int calls = rr.next;
    int forwarded = after.minus(before).forwarded.stream().mapToInt(Integer::intValue).sum();
    // Every call on another node than the first was forwarded (the create itself is not an instance call).
    assertEquals(calls - (calls + 2) / 3, forwarded, "calls forwarded");
  }

  @Test
  void whenTheOwnersServerIsGoneTheNextNodeTakesTheInstanceOver() throws Exception {
    String group = "g-gone-" + UUID.randomUUID();
    String topic = Topics.create(SharedKafka.bootstrapServers(), 3);
    int records = 2000;
    Node owner = NODES.get(0);
    String base = "/consumers/" + group + "/instances/c1";
    Reply created = owner.calls.post("/consumers/" + group, V2,
        "{\"name\":\"c1\",\"format\":\"json\",\"auto.offset.reset\":\"earliest\"}");
    assertEquals(200, created.status(), created.toString());
    assertEquals(204, NODES.get(1).calls.post(base + "/subscription", V2,
        "{\"topics\":[\"" + topic + "\"]}").status());
    Topics.produceNumbered(SharedKafka.bootstrapServers(), topic, records);
    Set<String> seen = new HashSet<>();
    Snapshot before = Snapshot.now();
    owner.server.stop();
    try {
      long start = System.nanoTime();
      Reply first = NODES.get(1).calls.get(base + "/records?timeout=3000", "Accept", JSON_V2);
      long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertEquals(200, first.status(), first.toString());
      // Refused at once on loopback; the bound: connect bound + the takeover's store waits + the read's wait.
      assertTrue(tookMs < NodeForwarder.CONNECT_TIMEOUT.toMillis() + 2 * 5000 + 3000 + 1000, tookMs + " ms");
      first.json().forEach(r -> seen.add(r.get("partition").asInt() + ":" + r.get("offset").asLong()));
      Snapshot moved = Snapshot.now().minus(before);
      assertEquals(1, moved.tookOver.get(1), "node b took the instance over");
      assertEquals(1, moved.instances.get(1));
      List<String> failures = new ArrayList<>();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      for (int i = 0; seen.size() < records && System.nanoTime() < deadline; i++) {
        Node node = NODES.get(1 + i % 2);
        Reply read = node.calls.get(base + "/records?timeout=3000", "Accept", JSON_V2);
        if (read.status() != 200) {
          failures.add(read.toString());
          continue;
        }
        read.json().forEach(r -> seen.add(r.get("partition").asInt() + ":" + r.get("offset").asLong()));
      }
      assertEquals(List.of(), failures);
      assertEquals(records, seen.size(), "records read");
      // The remaining nodes forward to the new owner (once their readers have seen its claim: milliseconds).
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      for (int i = 0; sum(Snapshot.now().minus(before).forwarded) == 0 && System.nanoTime() < until; i++) {
        Reply call = NODES.get(2 - i % 2).calls.get(base + "/subscription");
        assertEquals(200, call.status(), call.toString());
      }
      Snapshot after = Snapshot.now().minus(before);
      assertTrue(sum(after.forwarded) > 0, "forwarded to the new owner: " + after.forwarded);
      assertEquals(0, after.forwarded.get(0) + after.instances.get(0), "the stopped node saw nothing");
      assertEquals(204, NODES.get(2).calls.delete(base).status());
    } finally {
      owner.restart();
    }
  }

  @Test
  void anOwnerThatIsClosingAnswers503AndTheNextNodeTakesTheInstanceOver() throws Exception {
    String group = "g-closing-" + UUID.randomUUID();
    String base = "/consumers/" + group + "/instances/c1";
    Node closing = new Node("fd");
    try {
      assertEquals(200, closing.calls.post("/consumers/" + group, V2, "{\"name\":\"c1\"}").status());
      assertEquals(204, closing.calls.post(base + "/subscription", V2, "{\"topics\":[\"t-closing\"]}").status());
      closing.rest.close(); // its server still answers: 503 to everything, as in a host's shutdown
      assertEquals(503, closing.calls.get(base + "/subscription").status());
      Snapshot before = Snapshot.now();
      Reply moved = NODES.get(1).calls.get(base + "/subscription");
      assertEquals(200, moved.status(), moved.toString());
      assertEquals("[\"t-closing\"]", moved.json().get("topics").toString(), "the subscription came along");
      Snapshot after = Snapshot.now().minus(before);
      assertEquals(1, after.tookOver.get(1), "node b tried the owner, then took the instance over");
      assertEquals(1, after.instances.get(1));
      assertEquals(204, NODES.get(1).calls.delete(base).status());
    } finally {
      closing.server.stop();
      closing.rest.close();
    }
  }

  @Test
  void anOwnerThatAnswersButCannotReachKafkaIsTakenOverOnceItsRecordFallsSilent() throws Exception {
    // Instances time out after 8 s: the owner records use at least every 2 s of use, so 5 s of silence means it
    // cannot write; other nodes would expire the instance only after 10 s.
    String state = "_state-silent-" + UUID.randomUUID();
    String group = "g-silent-" + UUID.randomUUID();
    String topic = Topics.create(SharedKafka.bootstrapServers(), 1);
    String base = "/consumers/" + group + "/instances/c1";
    dev.kafkarest.testing.CrashableClients crashable = new dev.kafkarest.testing.CrashableClients();
    List<Node> nodes = new ArrayList<>();
    try {
      nodes.add(new Node("sa", state, 8000, crashable));
      nodes.add(new Node("sb", state, 8000, dev.kafkarest.kafka.KafkaClients.standard()));
      nodes.add(new Node("sc", state, 8000, dev.kafkarest.kafka.KafkaClients.standard()));
      Node owner = nodes.get(0);
      assertEquals(200, owner.calls.post("/consumers/" + group, V2,
          "{\"name\":\"c1\",\"format\":\"json\",\"auto.offset.reset\":\"earliest\"}").status());
      assertEquals(204, owner.calls.post(base + "/subscription", V2, "{\"topics\":[\"" + topic + "\"]}").status());
      Topics.produceNumbered(SharedKafka.bootstrapServers(), topic, 500);
      Reply before = nodes.get(1).calls.get(base + "/records?timeout=3000&max_bytes=100", "Accept", JSON_V2);
      assertEquals(200, before.status(), before.toString());
      assertEquals(1, nodes.get(1).counts.forwarded.get(), "forwarded while the owner is well");
      Set<String> seen = new HashSet<>();
      before.json().forEach(r -> seen.add(r.get("partition").asInt() + ":" + r.get("offset").asLong()));

      crashable.crash(); // its server still answers, its Kafka calls all fail
      // beyond what the owner may have fetched already
      Topics.produceNumbered(SharedKafka.bootstrapServers(), topic, 500);
      long crashed = System.nanoTime();
      long deadline = crashed + TimeUnit.SECONDS.toNanos(60);
      int errors = 0;
      for (int i = 0; seen.size() < 1000 && System.nanoTime() < deadline; i++) {
        Reply read = nodes.get(1 + i % 2).calls.unchecked().get(base + "/records?timeout=500", "Accept", JSON_V2);
        if (read.status() == 404) {
          throw new AssertionError("the instance was lost: " + read);
        }
        if (read.status() != 200) {
          errors++; // the owner's own answers while it cannot reach Kafka, relayed
          continue;
        }
        read.json().forEach(r -> seen.add(r.get("partition").asInt() + ":" + r.get("offset").asLong()));
      }
      assertEquals(1000, seen.size(), "records read (" + errors + " error answers while the owner was cut off)");
      int tookOver = nodes.get(1).counts.instances.get() + nodes.get(2).counts.instances.get();
      assertTrue(tookOver >= 1, "another node took the instance over");
    } finally {
      for (Node n : nodes) {
        n.server.stop();
        n.rest.close();
      }
      crashable.reap();
    }
  }

  @Test
  void theAccessRuleHoldsOnTheOwnerAndTheMarkerGrantsNothing() {
    String group = "g-auth-" + UUID.randomUUID();
    String base = "/consumers/" + group + "/instances/c1";
    Node owner = NODES.get(0);
    Node other = NODES.get(1);
    Reply created = owner.calls.post("/consumers/" + group, V2, "{\"name\":\"c1\"}", "Authorization", "Bearer alice");
    assertEquals(200, created.status(), created.toString());
    Snapshot before = Snapshot.now();

    Reply asAlice = other.calls.get(base + "/subscription", "Authorization", "Bearer alice");
    assertEquals(200, asAlice.status(), asAlice.toString());
    assertEquals(1, Snapshot.now().minus(before).forwarded.get(1), "alice's call was forwarded to the owner");

    Reply asBob = other.calls.get(base + "/subscription", "Authorization", "Bearer bob");
    assertEquals(403, asBob.status(), asBob.toString());
    assertEquals(40301, asBob.errorCode());
    Reply anonymous = other.calls.get(base + "/subscription");
    assertEquals(403, anonymous.status(), anonymous.toString());
    // Straight to the owner, marked as forwarded: the owner checks the caller all the same.
    Reply markedBob = owner.calls.unchecked().get(base + "/subscription", "Authorization", "Bearer bob",
        NodeForwarder.MARKER, "fb");
    assertEquals(403, markedBob.status(), markedBob.toString());
    Snapshot mid = Snapshot.now().minus(before);
    assertEquals(1, mid.forwarded.get(1), "refused calls are not forwarded");
    assertEquals(List.of(0, 0, 0), mid.instances, "nothing moved");

    // A principal the forwarded headers would not establish on the owner (a client certificate): served here.
    Reply byCertificate = NODES.get(2).calls.unchecked().get(base + "/subscription", "X-Test-Certificate", "alice");
    assertEquals(200, byCertificate.status(), byCertificate.toString());
    Snapshot after = Snapshot.now().minus(before);
    assertEquals(1, after.forwarded.stream().mapToInt(Integer::intValue).sum(), "not forwarded");
    assertEquals(1, after.instances.get(2), "node c took it over");
    assertEquals(204, owner.calls.delete(base, "Authorization", "Bearer alice").status());
  }

  @Test
  void anEventStreamIsServedWhereItWasAskedForByTakingTheInstanceOver() throws Exception {
    String group = "g-sse-" + UUID.randomUUID();
    String topic = Topics.create(SharedKafka.bootstrapServers(), 1);
    String base = "/consumers/" + group + "/instances/c1";
    Node owner = NODES.get(0);
    assertEquals(200, owner.calls.post("/consumers/" + group, V2,
        "{\"name\":\"c1\",\"format\":\"json\",\"auto.offset.reset\":\"earliest\"}").status());
    assertEquals(204, owner.calls.post(base + "/subscription", V2, "{\"topics\":[\"" + topic + "\"]}").status());
    Topics.produceNumbered(SharedKafka.bootstrapServers(), topic, 1);
    Snapshot before = Snapshot.now();
    java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder()
        .version(java.net.http.HttpClient.Version.HTTP_1_1).build();
    java.net.http.HttpResponse<java.util.stream.Stream<String>> stream = client.sendAsync(
        java.net.http.HttpRequest.newBuilder(URI.create(NODES.get(2).calls.mount() + base + "/records"))
            .header("Accept", "text/event-stream").GET().build(),
        java.net.http.HttpResponse.BodyHandlers.ofLines()).get(30, TimeUnit.SECONDS);
    try (java.util.stream.Stream<String> lines = stream.body()) {
      assertEquals(200, stream.statusCode());
      String data = lines.filter(l -> l.startsWith("data:")).findFirst().orElse("");
      assertTrue(data.contains("\"i\":0"), data);
    }
    Snapshot after = Snapshot.now().minus(before);
    assertEquals(List.of(0, 0, 0), after.forwarded, "not forwarded");
    assertEquals(List.of(0, 0, 1), after.instances, "node c took it over for the stream");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    int status;
    do { // the stream's end reaches node c once it notices the client left
      status = NODES.get(2).calls.delete(base).status();
    } while (status != 204 && System.nanoTime() < deadline);
    assertEquals(204, status);
  }

  @Test
  void aForwardedRequestIsNeverForwardedAgain() {
    String group = "g-loop-" + UUID.randomUUID();
    String base = "/consumers/" + group + "/instances/c1";
    assertEquals(200, NODES.get(0).calls.post("/consumers/" + group, V2, "{\"name\":\"c1\"}").status());
    Snapshot before = Snapshot.now();
    // As if node b had forwarded it to c, whose store names a as the owner: c serves it, taking it over.
    Reply marked = NODES.get(2).calls.unchecked().get(base + "/subscription", NodeForwarder.MARKER, "fb");
    assertEquals(200, marked.status(), marked.toString());
    Snapshot after = Snapshot.now().minus(before);
    assertEquals(List.of(0, 0, 0), after.forwarded, "no node forwarded it");
    assertEquals(List.of(0, 0, 1), after.instances, "node c served it itself");
    // And once node a's reader has seen c's claim (milliseconds), a call on a is forwarded to c.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (Snapshot.now().minus(before).forwarded.get(0) == 0 && System.nanoTime() < deadline) {
      assertEquals(200, NODES.get(0).calls.get(base + "/subscription").status());
    }
    assertEquals(1, Snapshot.now().minus(before).forwarded.get(0));
    assertEquals(1, Snapshot.now().minus(before).instances.stream().mapToInt(Integer::intValue).sum());
    assertEquals(204, NODES.get(1).calls.delete(base).status());
  }

  private static int sum(List<Integer> values) {
    return values.stream().mapToInt(Integer::intValue).sum();
  }

  /** The counters of every node at one moment. */
  private record Snapshot(List<Integer> forwarded, List<Integer> tookOver, List<Integer> instances) {
    static Snapshot now() {
      return new Snapshot(NODES.stream().map(n -> n.counts.forwarded.get()).toList(),
          NODES.stream().map(n -> n.counts.tookOver.get()).toList(),
          NODES.stream().map(n -> n.counts.instances.get()).toList());
    }

    Snapshot minus(Snapshot earlier) {
      return new Snapshot(diff(forwarded, earlier.forwarded), diff(tookOver, earlier.tookOver),
          diff(instances, earlier.instances));
    }

    private static List<Integer> diff(List<Integer> a, List<Integer> b) {
      List<Integer> out = new ArrayList<>();
      for (int i = 0; i < a.size(); i++) {
        out.add(a.get(i) - b.get(i));
      }
      return out;
    }
  }

  /** Every call on the next node, starting with the first; failures collected. */
  private static final class RoundRobin {
    final List<String> failures = new ArrayList<>();
    int next;

    Reply call(String method, String path, String contentType, String body, String... headers) {
      HttpCalls node = NODES.get(next++ % NODES.size()).calls;
      Reply reply = switch (method) {
        case "GET" -> node.get(path, headers);
        case "DELETE" -> node.delete(path, headers);
        default -> node.post(path, contentType, body == null ? "" : body, headers);
      };
      if (reply.status() >= 300) {
        failures.add(method + " " + path + " on " + node.mount() + ": " + reply);
      }
      return reply;
    }
  }
}
