package dev.kafkarest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kafkarest.consumer.ConsumerInstanceId;
import dev.kafkarest.consumer.durable.InstanceStateCodec;
import dev.kafkarest.http.Headers;
import dev.kafkarest.http.RestRequest;
import dev.kafkarest.http.RestResponse;
import dev.kafkarest.testing.CrashableClients;
import dev.kafkarest.testing.DirectCalls;
import dev.kafkarest.testing.SharedKafka;
import dev.kafkarest.testing.Topics;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Durable consumer instances on three proxy nodes (three {@link KafkaRest}s on one broker, called directly) with a
 * client that sends every call to the next node: no 404, no record lost, and a record returned twice only within
 * the documented bound (with auto-commit the proxy commits each answer's positions right after the answer, so a
 * move repeats at most the last answer the previous node gave), also while a node dies and after it comes back,
 * and through a rolling restart.
 */
@ExtendWith(SharedKafka.class)
class DurableConsumersTest {
  private static final String JSON_V2 = "application/vnd.kafka.json.v2+json";
  private static final String V2 = "application/vnd.kafka.v2+json";
  private static final int RECORDS = 10_000;

  private final String stateTopic = "_state-" + UUID.randomUUID();
  private final String group = "g-" + UUID.randomUUID();
  private final List<Node> started = new ArrayList<>();

  /** One proxy node: its own clients (which a test can cut off) and its own store reader. */
  private final class Node {
    final CrashableClients clients = new CrashableClients();
    final KafkaRest rest;
    final DirectCalls calls;
    final String name;

    Node(String name) {
      this(name, Map.of());
    }

    Node(String name, Map<String, String> settings) {
      this.name = name;
      KafkaRestConfig.Builder config = KafkaRestConfig.builder().bootstrapServers(SharedKafka.bootstrapServers())
          .set(KafkaRestConfig.CONSUMER_DURABLE, "true")
          .set(KafkaRestConfig.CONSUMER_STATE_TOPIC, stateTopic)
          .set(KafkaRestConfig.CONSUMER_NODE_ID, name)
          .consumerRequestTimeoutMs(5000);
      settings.forEach(config::set);
      this.rest = KafkaRest.builder(config.build()).clients(clients).build();
      this.calls = new DirectCalls(rest);
      started.add(this);
    }

    boolean holds(String instance) {
      return rest.consumerRegistry().holds(group, instance);
    }

    void crash() {
      clients.crash();
    }

    void stop() {
      rest.close();
      clients.reap();
    }
  }

  @AfterEach
  void stopNodes() throws InterruptedException {
    for (Node n : started) {
      n.stop();
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    List<String> left;
    do {
      left = Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
          .filter(name -> name.startsWith("kafka-rest-")).toList();
      Thread.sleep(left.isEmpty() ? 0 : 20);
    } while (!left.isEmpty() && System.nanoTime() < deadline);
    StringBuilder where = new StringBuilder();
    Thread.getAllStackTraces().forEach((t, stack) -> {
      if (t.getName().startsWith("kafka-rest-")) {
        where.append(t.getName()).append(' ').append(t.getState()).append(' ')
            .append(Arrays.toString(Arrays.copyOf(stack, Math.min(stack.length, 12)))).append('\n');
      }
    });
    assertEquals(List.of(), left, "threads left after every node stopped: " + where);
  }

  /** Sends each call to the next node of the rotation, and notes every status it gets. */
  private static final class RoundRobin {
    final List<Node> nodes = new ArrayList<>();
    final List<String> failures = new ArrayList<>();
    final Set<String> seen = new HashSet<>();
    int duplicates;
    int next;
    Node last;
    /** Appended to every records request, e.g. a max_bytes that makes small answers. */
    String readQuery = "";
    /** The node of every answer that carried records, in order, and the answer that first returned each record. */
    final List<String> answeredBy = new ArrayList<>();
    final Map<String, Integer> firstReturnedIn = new HashMap<>();
    /** Records returned again beyond the bound. */
    final List<String> beyondBound = new ArrayList<>();

    RoundRobin(Node... nodes) {
      this.nodes.addAll(List.of(nodes));
    }

    DirectCalls.Reply call(String method, String path, String contentType, String body, String... headers) {
      last = nodes.get(next++ % nodes.size());
      DirectCalls.Reply reply = last.calls.call(method, path, contentType, body, headers);
      if (reply.status() >= 300) {
        failures.add(method + " " + path + " on " + last.name + ": " + reply.status() + " " + reply.body());
      }
      return reply;
    }

    /** Reads round-robin until {@code target} distinct records were seen (bounded). */
    void readUntil(String base, int target) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (seen.size() < target && System.nanoTime() < deadline) {
        readOnce(base, 3000, seen);
      }
    }

    /** One read on the next node; its records go into {@code into}, a record already there counts as a duplicate. */
    void readOnce(String base, int timeoutMs, Set<String> into) {
      DirectCalls.Reply reply = call("GET", base + "/records?timeout=" + timeoutMs + readQuery, null, null, "Accept",
          JSON_V2);
      if (reply.status() == 200) {
        took(last.name, reply.json(), into);
      }
    }

    void took(String node, JsonNode records, Set<String> into) {
      if (records.isEmpty()) {
        return;
      }
      int answer = answeredBy.size();
      answeredBy.add(node);
      for (JsonNode r : records) {
        String key = r.get("partition").asInt() + ":" + r.get("offset").asLong();
        if (into.add(key)) {
          firstReturnedIn.put(key, answer);
        } else {
          duplicates++;
          if (!withinBound(firstReturnedIn.get(key), answer)) {
            Integer first = firstReturnedIn.get(key);
            beyondBound.add(key + " first in answer " + first + ", again in answer " + answer + " (nodes "
                + answeredBy.subList(first == null ? answer : Math.max(first, answer - 10), answer + 1) + ")");
          }
        }
      }
    }

    /**
     * The documented bound: a record comes again only from another node than the one that returned it, and only if
     * it was in that node's last answer before the instance moved (the answer whose commit had not landed).
     */
    private boolean withinBound(Integer first, int again) {
      return first != null && !answeredBy.get(first).equals(answeredBy.get(again))
          && (first + 1 == answeredBy.size() || !answeredBy.get(first + 1).equals(answeredBy.get(first)));
    }
  }

  private String base(String instance) {
    return "/consumers/" + group + "/instances/" + instance;
  }

  private static void produce(String topic, int count) {
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
        Map.of("bootstrap.servers", SharedKafka.bootstrapServers(), "linger.ms", "5"),
        new ByteArraySerializer(), new ByteArraySerializer())) {
      for (int i = 0; i < count; i++) {
        producer.send(new ProducerRecord<>(topic, ("{\"i\":" + i + "}").getBytes(StandardCharsets.UTF_8)));
      }
      producer.flush();
    }
  }

  /** Create on the first node of the rotation, subscribe on the next. */
  private String createAndSubscribe(RoundRobin rr, String topic) {
    DirectCalls.Reply created = rr.call("POST", "/consumers/" + group, V2,
        "{\"name\":\"c1\",\"format\":\"json\",\"auto.offset.reset\":\"earliest\"}");
    assertEquals(200, created.status(), created.body());
    assertEquals("http://proxy.test/kafka" + base("c1"), created.json().get("base_uri").asText());
    DirectCalls.Reply subscribed = rr.call("POST", base("c1") + "/subscription", V2,
        "{\"topics\":[\"" + topic + "\"]}");
    assertEquals(204, subscribed.status(), subscribed.body());
    return "c1";
  }

  @Test
  void roundRobinOverThreeNodesReadsEveryRecordWithinTheDuplicateBound() {
    String topic = Topics.create(SharedKafka.bootstrapServers(), 3);
    RoundRobin rr = new RoundRobin(new Node("a"), new Node("b"), new Node("c"));
    String instance = createAndSubscribe(rr, topic);
    DirectCalls.Reply subscription = rr.call("GET", base(instance) + "/subscription", null, null);
    assertEquals(List.of(topic), List.of(subscription.json().get("topics").get(0).asText()));
    produce(topic, RECORDS);

    rr.readUntil(base(instance), RECORDS);

    assertEquals(List.of(), rr.failures);
    assertEquals(RECORDS, rr.seen.size());
    assertEquals(List.of(), rr.beyondBound, rr.duplicates + " records twice");
    DirectCalls.Reply committed = rr.call("POST", base(instance) + "/offsets", V2, null);
    assertEquals(200, committed.status(), committed.body());
    assertEquals(204, rr.call("DELETE", base(instance), V2, null).status());
    for (Node n : rr.nodes) {
      awaitStatus(n, base(instance) + "/subscription", 404);
    }
  }

  /**
   * Small answers, so the instance moves dozens of times: each move repeats at most the previous node's last answer
   * (its commit is sent right after it, asynchronously). A node that stops (closes) commits what it returned
   * synchronously first, so after a sticky stretch on it the next node repeats nothing.
   */
  @Test
  void smallAnswersMovingOftenStayWithinTheBoundAndAClosingNodeHandsOverWithNoRepeat() {
    String topic = Topics.create(SharedKafka.bootstrapServers(), 2);
    RoundRobin rr = new RoundRobin(new Node("a"), new Node("b"), new Node("c"));
    rr.readQuery = "&max_bytes=500"; // about 50 records an answer
    String instance = createAndSubscribe(rr, topic);
    produce(topic, 3000);
    rr.readUntil(base(instance), 1500);
    assertTrue(rr.answeredBy.size() >= 20, "answers: " + rr.answeredBy.size());

    Node sticky = rr.nodes.get(rr.next % rr.nodes.size());
    for (int i = 0; i < 10; i++) { // a sticky stretch on one node: answered from its buffer, committed after
      DirectCalls.Reply reply = sticky.calls.call("GET", base(instance) + "/records?timeout=3000&max_bytes=500",
          null, null, "Accept", JSON_V2);
      assertEquals(200, reply.status(), reply.body());
      rr.took(sticky.name, reply.json(), rr.seen);
    }
    int before = rr.duplicates;
    sticky.stop();
    started.remove(sticky);
    rr.nodes.remove(sticky);
    rr.readUntil(base(instance), 3000);

    assertEquals(List.of(), rr.failures);
    assertEquals(3000, rr.seen.size());
    assertEquals(List.of(), rr.beyondBound, rr.duplicates + " records twice");
    assertEquals(before, rr.duplicates, "the closing node committed before it let the instance go");
  }

  @Test
  void anInstanceMovingBetweenNodesLeavesTheOtherMembersOfItsGroupTheirPartitions() {
    String topic = Topics.create(SharedKafka.bootstrapServers(), 4);
    Node a = new Node("a");
    RoundRobin mover = new RoundRobin(a, new Node("b"), new Node("c"));
    String instance = createAndSubscribe(mover, topic);
    produce(topic, 100);
    mover.readUntil(base(instance), 1); // it is in the group now
    RoundRobin stayer = new RoundRobin(a); // another member of the group, always on node a
    assertEquals(200, stayer.call("POST", "/consumers/" + group, V2,
        "{\"name\":\"stays\",\"format\":\"json\",\"auto.offset.reset\":\"earliest\"}").status());
    assertEquals(204, stayer.call("POST", base("stays") + "/subscription", V2,
        "{\"topics\":[\"" + topic + "\"]}").status());
    String before = awaitTwoPartitions(stayer, mover.seen);

    int produced = 100;
    for (int move = 1; move <= 6; move++) {
      produce(topic, 100);
      produced += 100;
      mover.readOnce(base(instance), 1000, mover.seen); // on the next node: the instance moves
      stayer.readOnce(base("stays"), 200, mover.seen);
      assertEquals(before, stayer.call("GET", base("stays") + "/assignments", null, null).body(), "move " + move);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (mover.seen.size() < produced && System.nanoTime() < deadline) {
      mover.readOnce(base(instance), 200, mover.seen);
      stayer.readOnce(base("stays"), 200, mover.seen);
    }
    assertEquals(List.of(), mover.failures);
    assertEquals(List.of(), stayer.failures);
    assertEquals(produced, mover.seen.size());
    assertEquals(List.of(), mover.beyondBound, mover.duplicates + " records twice");
    assertEquals(0, stayer.duplicates, "the stayer, always on one node, never repeats and never sees the mover's");
    assertEquals(before, stayer.call("GET", base("stays") + "/assignments", null, null).body());
  }

  /** The stayer's assignment once the group has given it two of the four partitions. */
  private String awaitTwoPartitions(RoundRobin stayer, Set<String> seen) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    DirectCalls.Reply assignment;
    do {
      stayer.readOnce(base("stays"), 200, seen);
      assignment = stayer.call("GET", base("stays") + "/assignments", null, null);
    } while (assignment.json().get("partitions").size() != 2 && System.nanoTime() < deadline);
    assertEquals(2, assignment.json().get("partitions").size(), assignment.body());
    return assignment.body();
  }

  /**
   * A subscribed instance taken over by a node has no partitions there until its consumer's first poll; a seek or an
   * assignments call as the first call there waits for the group's answer, so it sees the instance as the client
   * left it. An instance the client subscribes on a node and never reads still answers a seek with 409, as before.
   */
  @Test
  void aSeekOrAssignmentsCallAsTheFirstCallOnANewNodeFindsThePartitionsAssigned() {
    String topic = Topics.create(SharedKafka.bootstrapServers(), 1);
    Node a = new Node("a");
    Node b = new Node("b");
    Node c = new Node("c");
    RoundRobin rr = new RoundRobin(a);
    String instance = createAndSubscribe(rr, topic);
    produce(topic, 100);
    rr.readUntil(base(instance), 1); // a's consumer has the partition
    String partition = "{\"topic\":\"" + topic + "\",\"partition\":0";

    DirectCalls.Reply seek = b.calls.post(base(instance) + "/positions", V2,
        "{\"offsets\":[" + partition + ",\"offset\":40}]}");
    assertEquals(204, seek.status(), "a seek as the first call on b: " + seek.body());
    assertEquals(40, firstOffsetRead(b, instance), "b reads from where the seek put it");

    DirectCalls.Reply assignments = c.calls.get(base(instance) + "/assignments");
    assertEquals(200, assignments.status(), assignments.body());
    assertEquals(1, assignments.json().get("partitions").size(), "the first call on c: " + assignments.body());

    DirectCalls.Reply beginning = a.calls.post(base(instance) + "/positions/beginning", V2,
        "{\"partitions\":[" + partition + "}]}");
    assertEquals(204, beginning.status(), "seek to the beginning as the first call back on a: " + beginning.body());
    assertEquals(0, firstOffsetRead(a, instance));
    DirectCalls.Reply end = b.calls.post(base(instance) + "/positions/end", V2,
        "{\"partitions\":[" + partition + "}]}");
    assertEquals(204, end.status(), "seek to the end as the first call back on b: " + end.body());
    DirectCalls.Reply commit = c.calls.post(base(instance) + "/offsets", V2,
        "{\"offsets\":[" + partition + ",\"offset\":49}]}");
    assertEquals(200, commit.status(), "a commit of given offsets as the first call back on c: " + commit.body());
    DirectCalls.Reply committed = a.calls.call("GET", base(instance) + "/offsets", V2,
        "{\"partitions\":[" + partition + "}]}");
    assertEquals(50, committed.json().get("offsets").get(0).get("offset").asLong(), committed.body());

    assertEquals(200, b.calls.post("/consumers/" + group, V2, "{\"name\":\"fresh\",\"format\":\"json\"}").status());
    assertEquals(204, b.calls.post(base("fresh") + "/subscription", V2, "{\"topics\":[\"" + topic + "\"]}").status());
    DirectCalls.Reply early = b.calls.post(base("fresh") + "/positions", V2,
        "{\"offsets\":[" + partition + ",\"offset\":1}]}");
    assertEquals(409, early.status(), "not moved, never read: as without durable instances");
    assertEquals(40903, early.json().get("error_code").asInt());
  }

  /** The offset of the first record a read on this node returns (bounded). */
  private long firstOffsetRead(Node node, String instance) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    do {
      DirectCalls.Reply reply = node.calls.call("GET", base(instance) + "/records?timeout=1000", null, null,
          "Accept", JSON_V2);
      assertEquals(200, reply.status(), reply.body());
      if (!reply.json().isEmpty()) {
        return reply.json().get(0).get("offset").asLong();
      }
    } while (System.nanoTime() < deadline);
    throw new AssertionError("no record read on " + node.name);
  }

  /**
   * Holds the first record a node writes to the state topic (for an instance it does not hold: its claim) until the
   * test lets it go, after the node has caught up with the topic and built the claim from what it found.
   */
  private final class ClaimGate {
    final CountDownLatch held = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    final java.util.concurrent.atomic.AtomicBoolean passed = new java.util.concurrent.atomic.AtomicBoolean();

    ClaimGate(Node node) {
      node.clients.beforeSend(r -> {
        if (r.topic().equals(stateTopic) && r.value() != null && !passed.getAndSet(true)) {
          held.countDown();
          try {
            release.await(30, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
      });
    }

    void awaitHeld() throws InterruptedException {
      assertTrue(held.await(20, TimeUnit.SECONDS), "the node wrote no claim");
    }
  }

  /**
   * The race of a takeover with a change on the owner: node b has caught up and built its claim, then the owner a
   * changes the subscription (204), then b's claim lands. The claim is void (a record came after the one it was
   * built from): a keeps the change, b builds its claim again from it, and every node sees the new subscription.
   */
  @Test
  void aSubscriptionChangeOnTheOwnerWhileAnotherNodeClaimsTheInstanceIsKept() throws Exception {
    String first = Topics.create(SharedKafka.bootstrapServers(), 1);
    String second = Topics.create(SharedKafka.bootstrapServers(), 1);
    Node a = new Node("a");
    Node b = new Node("b");
    Node c = new Node("c");
    RoundRobin rr = new RoundRobin(a);
    String instance = createAndSubscribe(rr, first);
    produce(first, 10);
    produce(second, 10);
    rr.readUntil(base(instance), 10);
    ClaimGate gate = new ClaimGate(b);
    ExecutorService caller = Executors.newSingleThreadExecutor();
    try {
      Future<DirectCalls.Reply> onB = caller.submit(() -> b.calls.get(base(instance) + "/subscription"));
      gate.awaitHeld();
      DirectCalls.Reply changed = a.calls.post(base(instance) + "/subscription", V2,
          "{\"topics\":[\"" + second + "\"]}");
      assertEquals(204, changed.status(), changed.body());
      gate.release.countDown();
      DirectCalls.Reply subscription = onB.get(30, TimeUnit.SECONDS);
      assertEquals(200, subscription.status(), subscription.body());
      assertEquals(second, subscription.json().get("topics").get(0).asText(), "on b, which claimed meanwhile");
    } finally {
      gate.release.countDown();
      caller.shutdownNow();
    }
    DirectCalls.Reply onC = c.calls.get(base(instance) + "/subscription");
    assertEquals(second, onC.json().get("topics").get(0).asText(), "on c, taking it over next: " + onC.body());
    Set<String> topics = new HashSet<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    int records = 0;
    while (records < 10 && System.nanoTime() < deadline) {
      DirectCalls.Reply reply = c.calls.call("GET", base(instance) + "/records?timeout=1000", null, null,
          "Accept", JSON_V2);
      assertEquals(200, reply.status(), reply.body());
      for (JsonNode r : reply.json()) {
        topics.add(r.get("topic").asText());
        records++;
      }
    }
    assertEquals(Set.of(second), topics);
    assertEquals(10, records);
  }

  /**
   * The race of a takeover with an expiry: node b has caught up and built its claim from the instance's record,
   * then the owner a expires the instance and writes its tombstone, then b's claim lands. The claim is void: b
   * answers 404, as for a deleted instance, and the instance stays gone on every node, also on one that starts
   * later and reads the topic from the beginning.
   */
  @Test
  void anInstanceThatExpiresWhileAnotherNodeClaimsItStaysGone() throws Exception {
    Map<String, String> shortTimeout = Map.of(KafkaRestConfig.CONSUMER_INSTANCE_TIMEOUT_MS, "2000");
    Node a = new Node("a", shortTimeout);
    Node b = new Node("b", shortTimeout);
    assertEquals(200, a.calls.post("/consumers/" + group, V2, "{\"name\":\"idle\"}").status());
    ClaimGate gate = new ClaimGate(b);
    ExecutorService caller = Executors.newSingleThreadExecutor();
    try {
      Future<DirectCalls.Reply> onB = caller.submit(() -> b.calls.get(base("idle") + "/subscription"));
      gate.awaitHeld();
      awaitTombstone(new ConsumerInstanceId(group, "idle")); // a let it go after 2 s idle
      gate.release.countDown();
      DirectCalls.Reply reply = onB.get(30, TimeUnit.SECONDS);
      assertEquals(404, reply.status(), "b's claim came after the tombstone: " + reply.body());
      assertEquals(40403, reply.json().get("error_code").asInt());
    } finally {
      gate.release.countDown();
      caller.shutdownNow();
    }
    assertEquals(404, b.calls.get(base("idle") + "/subscription").status());
    assertEquals(404, a.calls.get(base("idle") + "/subscription").status());
    assertEquals(404, new Node("late").calls.get(base("idle") + "/subscription").status());
  }

  /** Waits (bounded) until the state topic holds a tombstone for the instance. */
  private void awaitTombstone(ConsumerInstanceId id) {
    byte[] key = InstanceStateCodec.key(id);
    try (KafkaConsumer<byte[], byte[]> reader = new KafkaConsumer<>(Map.of("bootstrap.servers",
        SharedKafka.bootstrapServers()), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      TopicPartition tp = new TopicPartition(stateTopic, 0);
      reader.assign(List.of(tp));
      reader.seekToBeginning(List.of(tp));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : reader.poll(java.time.Duration.ofMillis(100))) {
          if (r.value() == null && Arrays.equals(key, r.key())) {
            return;
          }
        }
      }
    }
    throw new AssertionError("no tombstone for " + id);
  }

  @Test
  void aNodeThatDiesWithoutClosingLosesNoInstanceAndNoRecord() {
    String topic = Topics.create(SharedKafka.bootstrapServers(), 2);
    RoundRobin rr = new RoundRobin(new Node("a"), new Node("b"), new Node("c"));
    String instance = createAndSubscribe(rr, topic);
    produce(topic, RECORDS);
    rr.readUntil(base(instance), RECORDS / 2);

    Node dead = rr.last; // it served the last read, so it holds the instance now
    assertTrue(dead.holds(instance));
    dead.crash();
    rr.nodes.remove(dead);
    rr.readUntil(base(instance), RECORDS * 3 / 4);
    assertEquals(List.of(), rr.failures);

    Node restarted = new Node(dead.name); // the same node coming back: a new process, nothing in memory
    rr.nodes.add(restarted);
    rr.readUntil(base(instance), RECORDS);

    assertEquals(List.of(), rr.failures);
    assertEquals(RECORDS, rr.seen.size());
    assertEquals(List.of(), rr.beyondBound, rr.duplicates + " records twice");
  }

  @Test
  void aRollingRestartOfEveryNodeLosesNothing() {
    String topic = Topics.create(SharedKafka.bootstrapServers(), 3);
    RoundRobin rr = new RoundRobin(new Node("a"), new Node("b"), new Node("c"));
    String instance = createAndSubscribe(rr, topic);
    produce(topic, RECORDS);
    for (int i = 0; i < 3; i++) {
      rr.readUntil(base(instance), RECORDS * (i + 1) / 4);
      Node old = rr.nodes.remove(0); // drained by the load balancer, then stopped and started again
      old.stop();
      started.remove(old);
      rr.nodes.add(new Node(old.name + i));
    }
    rr.readUntil(base(instance), RECORDS);

    assertEquals(List.of(), rr.failures);
    assertEquals(RECORDS, rr.seen.size());
    assertEquals(List.of(), rr.beyondBound, rr.duplicates + " records twice");
  }

  @Test
  void twoNodesTakingOverAtOnceEndWithOneOwnerAndDuplicatesWithinTheBound() throws Exception {
    String topic = Topics.create(SharedKafka.bootstrapServers(), 1);
    Node a = new Node("a");
    Node b = new Node("b");
    Node c = new Node("c");
    RoundRobin rr = new RoundRobin(a);
    String instance = createAndSubscribe(rr, topic);
    produce(topic, 2000);
    rr.readUntil(base(instance), 1);
    List<Node> nodes = List.of(a, b, c);
    ExecutorService callers = Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < 6; round++) {
        Node first = nodes.get(round % 3);
        Node second = nodes.get((round + 1) % 3);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<DirectCalls.Reply>> replies = new ArrayList<>();
        for (Node n : List.of(first, second)) {
          replies.add(callers.submit(() -> {
            go.await();
            return n.calls.call("GET", base(instance) + "/records?timeout=1000&max_bytes=2000", null, null,
                "Accept", JSON_V2);
          }));
        }
        go.countDown();
        List<Node> asked = List.of(first, second);
        for (int i = 0; i < replies.size(); i++) {
          DirectCalls.Reply reply = replies.get(i).get(30, TimeUnit.SECONDS);
          assertTrue(reply.status() == 200 || reply.status() == 503, reply.status() + " " + reply.body());
          if (reply.status() == 200) {
            rr.took(asked.get(i).name, reply.json(), rr.seen);
          }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (nodes.stream().filter(n -> n.holds(instance)).count() > 1 && System.nanoTime() < deadline) {
          Thread.sleep(5);
        }
        assertEquals(1, nodes.stream().filter(n -> n.holds(instance)).count(), "owners after round " + round);
      }
    } finally {
      callers.shutdownNow();
    }
    rr.readUntil(base(instance), 2000);
    assertEquals(List.of(), rr.failures);
    assertEquals(2000, rr.seen.size());
    assertEquals(List.of(), rr.beyondBound, rr.duplicates + " records twice");
  }

  @Test
  void expiryCountsUseOnAnyNodeAndEndsTheInstanceEverywhere() throws Exception {
    Map<String, String> shortTimeout = Map.of(KafkaRestConfig.CONSUMER_INSTANCE_TIMEOUT_MS, "3000");
    Node a = new Node("a", shortTimeout);
    Node b = new Node("b", shortTimeout);
    assertEquals(200, a.calls.post("/consumers/" + group, V2, "{\"name\":\"busy\"}").status());
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(6);
    while (System.nanoTime() < until) { // used on b only, for twice the timeout
      assertEquals(200, b.calls.get(base("busy") + "/subscription").status());
      Thread.sleep(200);
    }
    assertTrue(b.holds("busy"));
    assertEquals(200, a.calls.get(base("busy") + "/subscription").status(), "a counted b's use");

    // Nobody uses it now (a request would be a use): once no node holds it, it is gone on every node.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while ((a.holds("busy") || b.holds("busy")) && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    // The expiring node writes the tombstone just after it lets the instance go; a request in that gap whose claim
    // lands before the tombstone is still answered (the tombstone ends the instance then; one whose claim lands
    // after it answers 404, see below). Give the tombstone time to be read.
    Thread.sleep(1000);
    assertEquals(404, b.calls.get(base("busy") + "/subscription").status());
    assertEquals(404, a.calls.get(base("busy") + "/subscription").status());
  }

  @Test
  void badStateRecordsAreSkipped() throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", SharedKafka.bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic(stateTopic, 1, (short) 1)
          .configs(Map.of("cleanup.policy", "compact")))).all().get(15, TimeUnit.SECONDS);
    }
    byte[] key = InstanceStateCodec.key(new ConsumerInstanceId(group, "broken"));
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
        Map.of("bootstrap.servers", SharedKafka.bootstrapServers()), new ByteArraySerializer(),
        new ByteArraySerializer())) {
      producer.send(new ProducerRecord<>(stateTopic, key, "not json".getBytes(StandardCharsets.UTF_8)));
      producer.send(new ProducerRecord<>(stateTopic, "[1]".getBytes(StandardCharsets.UTF_8), new byte[] {1}));
      producer.send(new ProducerRecord<>(stateTopic, key, ("{\"v\":99,\"group\":\"" + group
          + "\",\"name\":\"broken\"}").getBytes(StandardCharsets.UTF_8)));
      producer.send(new ProducerRecord<>(stateTopic, key, ("{\"v\":1,\"group\":\"" + group
          + "\",\"name\":\"broken\",\"format\":\"nope\",\"last_used_ms\":1,\"node\":\"x\"}")
          .getBytes(StandardCharsets.UTF_8)));
      producer.flush();
    }
    RoundRobin rr = new RoundRobin(new Node("a"), new Node("b"));
    String topic = Topics.create(SharedKafka.bootstrapServers(), 1);
    String instance = createAndSubscribe(rr, topic);
    produce(topic, 10);
    rr.readUntil(base(instance), 10);
    assertEquals(List.of(), rr.failures);
    assertEquals(10, rr.seen.size());
    Node late = new Node("late"); // reads the bad records and the good ones from the beginning
    assertEquals(404, late.calls.get(base("broken") + "/subscription").status());
    assertEquals(200, late.calls.get(base(instance) + "/subscription").status());
  }

  /**
   * The claim rule as a node starting up reads it from the beginning: a claim after whose base a tombstone or
   * another record came is void; a claim whose base is not there (compacted away) applies.
   */
  @Test
  void claimsReadFromTheBeginningApplyOnlyIfNothingCameAfterTheirBase() throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", SharedKafka.bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic(stateTopic, 1, (short) 1)
          .configs(Map.of("cleanup.policy", "compact")))).all().get(15, TimeUnit.SECONDS);
    }
    long now = System.currentTimeMillis();
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
        Map.of("bootstrap.servers", SharedKafka.bootstrapServers()), new ByteArraySerializer(),
        new ByteArraySerializer())) {
      long gone = write(producer, "gone", "t1", "x", now, InstanceStateCodec.NO_BASE);
      send(producer, "gone", null);
      write(producer, "gone", "t1", "y", now, gone); // void: the tombstone came after its base
      write(producer, "compacted", "t1", "y", now, gone); // its base is not there: it applies
      long changed = write(producer, "changed", "t1", "x", now, InstanceStateCodec.NO_BASE);
      write(producer, "changed", "t2", "x", now, InstanceStateCodec.NO_BASE);
      write(producer, "changed", "t1", "y", now, changed); // void: the change to t2 came after its base
    }
    Node late = new Node("late");
    assertEquals(404, late.calls.get(base("gone") + "/subscription").status());
    DirectCalls.Reply compacted = late.calls.get(base("compacted") + "/subscription");
    assertEquals(200, compacted.status(), compacted.body());
    DirectCalls.Reply changed = late.calls.get(base("changed") + "/subscription");
    assertEquals("[\"t2\"]", changed.json().get("topics").toString(), changed.body());
  }

  /** Writes a record of the instance subscribed to {@code topic} by {@code node}; returns its offset. */
  private long write(KafkaProducer<byte[], byte[]> producer, String name, String topic, String node, long usedMs,
                     long base) throws Exception {
    ConsumerInstanceId id = new ConsumerInstanceId(group, name);
    dev.kafkarest.consumer.durable.InstanceState state = new dev.kafkarest.consumer.durable.InstanceState(id,
        new dev.kafkarest.consumer.ConsumerSettings(name, dev.kafkarest.format.EmbeddedFormat.JSON, null, null, -1,
            null), null, dev.kafkarest.consumer.Subscription.topics(List.of(topic)), usedMs, node);
    return send(producer, name, InstanceStateCodec.value(state, base));
  }

  private long send(KafkaProducer<byte[], byte[]> producer, String name, byte[] value) throws Exception {
    return producer.send(new ProducerRecord<>(stateTopic, InstanceStateCodec.key(new ConsumerInstanceId(group, name)),
        value)).get(15, TimeUnit.SECONDS).offset();
  }

  @Test
  void anInstanceServesOnlyItsCreatorOnEveryNodeAndCountsAgainstEachNodesLimit() {
    Node a = new Node("a");
    Node b = new Node("b", Map.of(KafkaRestConfig.CONSUMER_MAX_INSTANCES, "1"));
    RestResponse created = call(a, "POST", "/consumers/" + group, "alice", "{\"name\":\"mine\"}");
    assertEquals(200, created.status(), created.bodyAsString());
    assertEquals(403, call(b, "GET", base("mine") + "/subscription", "mallory", null).status());
    assertEquals(403, call(b, "GET", base("mine") + "/subscription", null, null).status());
    assertEquals(200, call(b, "GET", base("mine") + "/subscription", "alice", null).status());
    assertEquals(404, call(b, "GET", base("nobody") + "/subscription", "alice", null).status());
    assertEquals(409, call(b, "POST", "/consumers/" + group, "alice", "{\"name\":\"mine\"}").status());

    assertEquals(200, call(a, "POST", "/consumers/" + group, "alice", "{\"name\":\"second\"}").status());
    assertEquals(429, call(b, "GET", base("second") + "/subscription", "alice", null).status(), "b holds one");
    assertEquals(204, call(b, "DELETE", base("mine"), "alice", null).status());
    assertEquals(200, call(b, "GET", base("second") + "/subscription", "alice", null).status());
    awaitStatus(a, base("mine") + "/subscription", 404);
  }

  private static RestResponse call(Node node, String method, String path, String principal, String body) {
    RestRequest.Builder b = RestRequest.builder(method, path).principal(principal)
        .baseUri(URI.create("http://proxy.test/kafka"));
    if (body != null) {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      b.headers(Headers.of("Content-Type", V2, "Content-Length", Integer.toString(bytes.length)))
          .body(new java.io.ByteArrayInputStream(bytes));
    }
    try {
      return node.rest.handle(b.build()).toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static void awaitStatus(Node node, String path, int status) {
    awaitStatus(node, path, status, 10);
  }

  private static void awaitStatus(Node node, String path, int status, int seconds) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    int last;
    do {
      last = node.calls.get(path).status();
    } while (last != status && System.nanoTime() < deadline && sleptAWhile());
    assertEquals(status, last, "on node " + node.name);
  }

  private static boolean sleptAWhile() {
    try {
      Thread.sleep(50);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return true;
  }
}
