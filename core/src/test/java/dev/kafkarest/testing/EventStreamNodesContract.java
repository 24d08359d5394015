package dev.kafkarest.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kafkarest.KafkaRest;
import dev.kafkarest.KafkaRestConfig;
import dev.kafkarest.http.Json;
import dev.kafkarest.http.MediaTypes;
import dev.kafkarest.stream.EventId;
import dev.kafkarest.testing.HttpCalls.Reply;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Server-Sent Events across proxy nodes, over real HTTP: two nodes on one broker, each its own {@link KafkaRest}
 * behind its own HTTP server, as two replicas behind a load balancer. A stream cut on one node resumes with
 * {@code Last-Event-ID} on the other and on a node started in place of the first (a restart) with exactly the
 * rest; the stream limit holds per node; clients that leave free each node's consumers. A subclass serves a
 * given proxy in its container; the contract creates and closes the proxies.
 */
@ExtendWith(SharedKafka.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class EventStreamNodesContract {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String BINARY = MediaTypes.BINARY_V2;

  /** A running HTTP server with one proxy mounted; {@link #close} stops the server (not the proxy). */
  protected interface Server extends AutoCloseable {
    /** The absolute URL of the mount point, e.g. {@code http://127.0.0.1:<port>/app/kafka}. */
    URI mount();
  }

  /** Starts a new HTTP server of this host's kind, on a free port, with {@code rest} mounted. */
  protected abstract Server serve(KafkaRest rest) throws Exception;

  /** A {@link Server} of a mount URL and what stops the server. */
  protected static Server server(URI mount, AutoCloseable stop) {
    return new Server() {
      @Override
      public URI mount() {
        return mount;
      }

      @Override
      public void close() throws Exception {
        stop.close();
      }
    };
  }

  /** One proxy node: its own {@link KafkaRest} behind its own server. */
  protected static final class Node implements AutoCloseable {
    final String name;
    final KafkaRest rest;
    final Server server;
    final HttpCalls http;

    Node(String name, KafkaRest rest, Server server) {
      this.name = name;
      this.rest = rest;
      this.server = server;
      this.http = new HttpCalls(server.mount());
    }

    URI events(String topic) {
      return URI.create(http.mount() + "/topics/" + topic + "/events");
    }

    @Override
    public void close() throws Exception {
      try {
        server.close();
      } finally {
        rest.close();
      }
    }
  }

  private Node nodeA;
  private Node nodeB;

  /** The configuration of every node; a test may add keys (a lower stream limit). */
  protected KafkaRestConfig.Builder config() {
    return KafkaRestConfig.builder()
        .bootstrapServers(SharedKafka.bootstrapServers())
        .set(KafkaRestConfig.EVENTS_KEEPALIVE_MS, "300");
  }

  /** A new node: a proxy from {@code config} behind a new server. */
  private Node start(String name, KafkaRestConfig config) throws Exception {
    KafkaRest rest = KafkaRest.create(config);
    try {
      return new Node(name, rest, serve(rest));
    } catch (Exception | Error e) {
      rest.close();
      throw e;
    }
  }

  @BeforeAll
  void startNodes() throws Exception {
    nodeA = start("A", config().build());
    nodeB = start("B", config().build());
  }

  @AfterAll
  void stopNodes() throws Exception {
    try (Node a = nodeA; Node b = nodeB) {
      // each node that started is closed (null ones are skipped), B first
    }
  }

  /**
   * One stream over 3 partitions, passed from node to node: cut on A after some events, resumed on B, cut, resumed
   * on A, cut, then A is closed, a new node starts in its place, and the stream resumes there. Across the four
   * parts every record arrives once, each partition's offsets in order with no gap, and nothing more comes.
   */
  @Test
  void aStreamCutOnOneNodeResumesOnAnotherAndAfterARestartWithExactlyTheRest() throws Exception {
    String topic = Topics.create(SharedKafka.bootstrapServers(), 3, "nodes-");
    Map<Integer, List<Long>> seen = new TreeMap<>();
    Set<String> keys = new HashSet<>();
    String lastId;
    try (EventStreamClient stream = EventStreamClient.get(nodeA.events(topic), Map.of())) {
      assertEquals(200, stream.status());
      assertTrue(stream.next(WAIT).isComment(), "the stream is open before the records are produced");
      produce(nodeB, topic, 0, 9); // records 0-8, partitions 0,1,2,0,1,2,...
      lastId = read(stream, 4, seen, keys);
    } // cut after 4 of 9
    assertPositions(lastId, seen);
    try (EventStreamClient stream = EventStreamClient.get(nodeB.events(topic), Map.of("Last-Event-ID", lastId))) {
      assertEquals(200, stream.status());
      lastId = read(stream, 3, seen, keys);
    } // cut after 7 of 9, on the other node
    assertPositions(lastId, seen);
    try (EventStreamClient stream = EventStreamClient.get(nodeA.events(topic), Map.of("Last-Event-ID", lastId))) {
      assertEquals(200, stream.status());
      lastId = read(stream, 1, seen, keys);
    } // cut after 8 of 9, back on the first node
    assertPositions(lastId, seen);
    awaitNoEventStreams(nodeA);
    Node closing = nodeA;
    nodeA = null;
    closing.close();
    nodeA = start("A (restarted)", config().build());
    try (EventStreamClient stream = EventStreamClient.get(nodeA.events(topic), Map.of("Last-Event-ID", lastId))) {
      assertEquals(200, stream.status());
      lastId = read(stream, 1, seen, keys); // the last record produced before the restart
      produce(nodeA, topic, 9, 6); // and 6 produced after it, while the resumed stream is open
      lastId = read(stream, 6, seen, keys);
      EventStreamClient.Item after = stream.next(WAIT);
      assertTrue(after.isComment(), () -> "nothing more than the 15 records, but " + after);
    }
    assertPositions(lastId, seen);
    Map<Integer, List<Long>> expected = Map.of(0, List.of(0L, 1L, 2L, 3L, 4L), 1, List.of(0L, 1L, 2L, 3L, 4L),
        2, List.of(0L, 1L, 2L, 3L, 4L));
    assertEquals(expected, seen, "every record once, each partition in order: no gap, no duplicate");
    Set<String> values = new HashSet<>();
    for (int i = 0; i < 15; i++) {
      values.add(b64("r" + i));
    }
    assertEquals(values, keys, "each record's own value");
    awaitNoEventStreams(nodeA);
    awaitNoEventStreams(nodeB);
  }

  /**
   * {@code events.max.streams=1} on a node: a second concurrent stream is refused with 429 before any stream starts,
   * while the other node, with its own limit, still accepts one; once the first client leaves, the slot is free
   * again (within a bound: the node notices at its next keep-alive).
   */
  @Test
  void theStreamLimitIsPerNodeAndASlotIsFreeAgainOnceItsClientLeaves() throws Exception {
    String topic = Topics.create(SharedKafka.bootstrapServers(), 1, "nodes-");
    try (Node limited = start("limited", config().set(KafkaRestConfig.EVENTS_MAX_STREAMS, "1").build())) {
      String path = "/topics/" + topic + "/events";
      try (EventStreamClient first = EventStreamClient.get(limited.events(topic), Map.of())) {
        assertEquals(200, first.status());
        assertTrue(first.next(WAIT).isComment());
        assertEquals(1, limited.rest.activeEventStreams());
        Reply refused = answerWithin(limited.http, path, "a second stream was accepted past events.max.streams=1");
        assertEquals(429, refused.status(), refused::toString);
        assertEquals(429, refused.errorCode(), refused::toString);
        assertTrue(refused.json().has("message"), refused::toString);
        Reply wrongId = answerWithin(limited.http, path, "a refusal waited for a slot", "Last-Event-ID", "zero");
        assertEquals(400, wrongId.status(), "a bad id is refused as such, the limit notwithstanding");
        assertEquals(1, limited.rest.activeEventStreams(), "no refusal holds a slot");
        try (EventStreamClient elsewhere = EventStreamClient.get(nodeB.events(topic), Map.of())) {
          assertEquals(200, elsewhere.status(), "the other node has slots of its own");
          assertTrue(elsewhere.next(WAIT).isComment());
        }
        produce(nodeB, topic, 0, 1);
        assertEquals(b64("r0"), json(first.nextEvent(WAIT).data()).get("value").asText(),
            "the stream that holds the slot goes on");
      } // the client leaves
      try (EventStreamClient again = awaitAccepted(limited.events(topic))) {
        assertTrue(again.next(WAIT).isComment());
        assertEquals(1, limited.rest.activeEventStreams());
      }
      awaitNoEventStreams(limited);
    }
    awaitNoEventStreams(nodeB);
  }

  /** Streams on both nodes hold one Kafka consumer each while they run, and none once their clients left. */
  @Test
  void clientsThatLeaveFreeEveryNodesStreamConsumers() throws Exception {
    String topic = Topics.create(SharedKafka.bootstrapServers(), 3, "nodes-");
    awaitNoEventStreams(nodeA);
    awaitNoEventStreams(nodeB);
    List<EventStreamClient> clients = new ArrayList<>();
    try {
      for (Node node : List.of(nodeA, nodeB, nodeA, nodeB, nodeB)) {
        EventStreamClient client = EventStreamClient.get(node.events(topic), Map.of());
        clients.add(client);
        assertEquals(200, client.status());
        assertTrue(client.next(WAIT).isComment());
      }
      produce(nodeA, topic, 0, 2);
      for (EventStreamClient client : clients) {
        assertNotNull(client.nextEvent(WAIT));
        assertNotNull(client.nextEvent(WAIT));
      }
      assertEquals(2, nodeA.rest.eventStreamConsumers(), "node A's streams");
      assertEquals(2, nodeA.rest.activeEventStreams());
      assertEquals(3, nodeB.rest.eventStreamConsumers(), "node B's streams");
      assertEquals(3, nodeB.rest.activeEventStreams());
    } finally {
      for (EventStreamClient client : clients) {
        client.close(); // each client vanishes
      }
    }
    awaitNoEventStreams(nodeA);
    awaitNoEventStreams(nodeB);
  }

  /**
   * Reads {@code count} events into {@code seen} (offsets by partition, each new one the next of its partition)
   * and {@code values}; returns the last one's id, which names every partition of the stream.
   */
  private static String read(EventStreamClient stream, int count, Map<Integer, List<Long>> seen, Set<String> values)
      throws InterruptedException {
    String id = null;
    for (int i = 0; i < count; i++) {
      EventStreamClient.Item event = stream.nextEvent(WAIT);
      assertNotNull(event, "the stream ended early");
      JsonNode data = json(event.data());
      int partition = data.get("partition").asInt();
      long offset = data.get("offset").asLong();
      List<Long> offsets = seen.computeIfAbsent(partition, p -> new ArrayList<>());
      long expected = offsets.isEmpty() ? 0 : offsets.get(offsets.size() - 1) + 1;
      assertEquals(expected, offset, () -> "partition " + partition + " after " + offsets + ": " + event);
      offsets.add(offset);
      assertTrue(values.add(data.get("value").asText()), () -> "a duplicate: " + event);
      id = event.id();
      assertEquals(3, EventId.parse(id).positions().size(), () -> "the id names every partition: " + event);
    }
    return id;
  }

  /** The id says, for every partition, the offset after the last one seen (0 for a partition not yet seen). */
  private static void assertPositions(String id, Map<Integer, List<Long>> seen) {
    Map<Integer, Long> expected = new TreeMap<>();
    for (int p = 0; p < 3; p++) {
      List<Long> offsets = seen.getOrDefault(p, List.of());
      expected.put(p, offsets.isEmpty() ? 0L : offsets.get(offsets.size() - 1) + 1);
    }
    assertEquals(expected, EventId.parse(id).positions(), id);
  }

  /** Produces records {@code from} to {@code from + count - 1} through {@code node}, record i to partition i % 3. */
  private static void produce(Node node, String topic, int from, int count) {
    StringBuilder records = new StringBuilder();
    for (int i = from; i < from + count; i++) {
      records.append(i == from ? "" : ",").append("{\"partition\":").append(i % 3)
          .append(",\"value\":\"").append(b64("r" + i)).append("\"}");
    }
    Reply reply = node.http.post("/topics/" + topic, BINARY, "{\"records\":[" + records + "]}");
    assertEquals(200, reply.status(), reply::toString);
    reply.json().get("offsets").forEach(o -> assertTrue(o.get("error_code").isNull(), reply::toString));
  }

  /** A GET of an event stream that must be answered whole (a refusal) within a bound, not start a stream. */
  private static Reply answerWithin(HttpCalls http, String path, String ifNot, String... headers) throws Exception {
    String[] all = new String[headers.length + 2];
    all[0] = "Accept";
    all[1] = "text/event-stream";
    System.arraycopy(headers, 0, all, 2, headers.length);
    try {
      return http.getAsync(path, all).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError(ifNot + " (no whole answer within " + WAIT + ")", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw e;
    }
  }

  /** A new stream, once a slot is free: 429 answers until then, for at most 15 s. */
  private static EventStreamClient awaitAccepted(URI events) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (true) {
      EventStreamClient client = EventStreamClient.get(events, Map.of());
      if (client.status() == 200) {
        return client;
      }
      String body;
      try (client) {
        body = client.bodyText();
      }
      assertEquals(429, client.status(), body);
      assertTrue(System.nanoTime() < deadline, "the slot of a client that left is still taken after 15 s");
      Thread.sleep(20);
    }
  }

  private static void awaitNoEventStreams(Node node) throws InterruptedException {
    awaitZero(node, "event stream consumers", node.rest::eventStreamConsumers);
    awaitZero(node, "event streams", node.rest::activeEventStreams);
  }

  private static void awaitZero(Node node, String what, IntSupplier count) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (count.getAsInt() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertEquals(0, count.getAsInt(), () -> what + " still open on node " + node.name);
  }

  private static JsonNode json(String text) {
    try {
      return Json.MAPPER.readTree(text);
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + text, e);
    }
  }

  private static String b64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }
}
