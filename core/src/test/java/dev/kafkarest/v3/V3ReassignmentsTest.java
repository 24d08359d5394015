package dev.kafkarest.v3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kafkarest.KafkaRest;
import dev.kafkarest.KafkaRestConfig;
import dev.kafkarest.testing.DirectCalls;
import dev.kafkarest.testing.DirectCalls.Reply;
import dev.kafkarest.testing.EmbeddedCluster;
import dev.kafkarest.testing.OpenApiContract;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewPartitionReassignment;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * The v3 reassignment endpoints while reassignments really are in progress, on a three-broker cluster. Both partitions
 * of a topic live on broker 1 only and are moved to brokers 2 and 3, under a replication throttle that keeps the
 * copies from finishing: the throttle lets through at most one fetch (up to {@code replica.fetch.max.bytes}, 1 MB) per
 * partition each quota window (about 11 s), and each partition holds several MB. All three GETs must show the moves
 * as upstream does, and conform to the OpenAPI document. Then partition 1's move is cancelled (it is gone at once),
 * and the throttle is lifted so that partition 0's move completes: then nothing is in progress any more.
 */
class V3ReassignmentsTest {
  private record Answer(String path, Reply reply) {}

  private static final int PARTITIONS = 2;
  private static final int RECORDS_PER_PARTITION = 600;
  private static final int RECORD_BYTES = 10_000;
  /** Bytes per second, on the leader and on the followers: far below what the copies need. */
  private static final String THROTTLE = "10000";
  private static final List<String> BROKER_THROTTLES =
      List.of("leader.replication.throttled.rate", "follower.replication.throttled.rate");
  private static final List<String> TOPIC_THROTTLES =
      List.of("leader.replication.throttled.replicas", "follower.replication.throttled.replicas");
  private static final List<Integer> SOURCE = List.of(1);
  private static final List<Integer> TARGET = List.of(2, 3);
  private static final long BOUND_S = 30;

  private final OpenApiContract ours = OpenApiContract.v3();
  private final List<String> mismatches = new ArrayList<>();
  /** The 200 answers, for Confluent's document (its error shape is not ours: 404s are checked against ours only). */
  private final List<Answer> answers = new ArrayList<>();
  private DirectCalls calls;
  private String clusterId;
  private String base;

  @Test
  void inProgressReassignmentsAreListedUntilTheyEnd() throws Exception {
    // Confluent's document, when given (-Dconfluent.openapi=<file>), must accept these answers too.
    String upstream = System.getProperty("confluent.openapi", "");
    OpenApiContract confluent = !upstream.isEmpty() && Files.isRegularFile(Path.of(upstream))
        ? OpenApiContract.openApi30(Path.of(upstream), "/v3") : null;
    try (EmbeddedCluster cluster = new EmbeddedCluster();
         Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()));
         KafkaRest rest = KafkaRest.create(
             KafkaRestConfig.builder().bootstrapServers(cluster.bootstrapServers()).build())) {
      calls = new DirectCalls(rest);
      clusterId = admin.describeCluster().clusterId().get(BOUND_S, TimeUnit.SECONDS);
      base = "/v3/clusters/" + clusterId;
      String topic = "moving-" + System.nanoTime();
      String still = "still-" + System.nanoTime();
      admin.createTopics(List.of(new NewTopic(topic, Map.of(0, SOURCE, 1, SOURCE)),
          new NewTopic(still, Map.of(0, SOURCE)))).all().get(BOUND_S, TimeUnit.SECONDS);
      fill(cluster.bootstrapServers(), topic);
      throttle(admin, topic, AlterConfigOp.OpType.SET);
      TopicPartition p0 = new TopicPartition(topic, 0);
      TopicPartition p1 = new TopicPartition(topic, 1);
      admin.alterPartitionReassignments(Map.of(
              p0, Optional.of(new NewPartitionReassignment(TARGET)),
              p1, Optional.of(new NewPartitionReassignment(TARGET))))
          .all().get(BOUND_S, TimeUnit.SECONDS);

      String all = base + "/topics/-/partitions/-/reassignment";
      String ofTopic = base + "/topics/" + topic + "/partitions/-/reassignment";
      JsonNode list = get(200, all).json();
      assertEquals("KafkaReassignmentList", list.get("kind").asText());
      assertEquals(url(all), list.get("metadata").get("self").asText());
      assertTrue(list.get("metadata").get("next").isNull());
      assertMoving(list.get("data"), topic, 0, 1);
      JsonNode topicList = get(200, ofTopic).json();
      assertEquals("KafkaReassignmentList", topicList.get("kind").asText());
      assertEquals(url(ofTopic), topicList.get("metadata").get("self").asText());
      assertMoving(topicList.get("data"), topic, 0, 1);
      assertEquals(0, get(200, base + "/topics/" + still + "/partitions/-/reassignment").json().get("data").size(),
          "a topic that is not moving has no reassignments");
      for (int p = 0; p < PARTITIONS; p++) {
        assertReassignment(get(200, base + "/topics/" + topic + "/partitions/" + p + "/reassignment").json(),
            topic, p);
      }
      get(404, base + "/topics/" + still + "/partitions/0/reassignment");

      // A cancelled move is over at once: the partition is back on its old replicas.
      long cancelled = System.nanoTime();
      admin.alterPartitionReassignments(Map.of(p1, Optional.empty())).all().get(BOUND_S, TimeUnit.SECONDS);
      awaitStatus(404, base + "/topics/" + topic + "/partitions/1/reassignment");
      long cancelMs = (System.nanoTime() - cancelled) / 1_000_000;
      assertMoving(get(200, all).json().get("data"), topic, 0);
      assertMoving(get(200, ofTopic).json().get("data"), topic, 0);
      assertReassignment(get(200, base + "/topics/" + topic + "/partitions/0/reassignment").json(), topic, 0);

      // Without the throttle the copy catches up and the move completes.
      long unthrottled = System.nanoTime();
      throttle(admin, topic, AlterConfigOp.OpType.DELETE);
      awaitStatus(404, base + "/topics/" + topic + "/partitions/0/reassignment");
      System.out.printf("reassignments: cancelled move gone after %d ms; unthrottled move done after %d ms%n",
          cancelMs, (System.nanoTime() - unthrottled) / 1_000_000);
      assertEquals(0, get(200, all).json().get("data").size());
      assertEquals(0, get(200, ofTopic).json().get("data").size());
      // The move's end reaches the metadata a moment after the reassignment is gone: wait for it, bounded.
      Map<Integer, List<Integer>> placed = replicas(admin, topic);
      long placedBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
      while (!placed.equals(Map.of(0, TARGET, 1, SOURCE)) && System.nanoTime() < placedBy) {
        Thread.sleep(50);
        placed = replicas(admin, topic);
      }
      assertEquals(Map.of(0, TARGET, 1, SOURCE), placed, "partition 0 moved, partition 1 stayed");

      assertEquals(List.of(), mismatches, String.join("\n", mismatches));
      assertEquals(Set.of("listAllReassignments", "listTopicReassignments", "getReassignment"),
          ours.checkedOperations(), "the operations whose answers were checked against our document");
      if (confluent != null) {
        List<String> upstreamMismatches = new ArrayList<>();
        answers.forEach(a -> upstreamMismatches.addAll(confluent.check("GET", a.path(), a.reply())));
        assertEquals(List.of(), upstreamMismatches, String.join("\n", upstreamMismatches));
      }
    }
  }

  /** The answer to {@code GET path}, which must have {@code status} and conform to our document. */
  private Reply get(int status, String path) {
    Reply reply = calls.get(path);
    assertEquals(status, reply.status(), "GET " + path + ": " + reply.body());
    mismatches.addAll(ours.check("GET", path, reply));
    if (status == 200) {
      answers.add(new Answer(path, reply));
    } else {
      assertEquals(status, reply.json().get("error_code").asInt(), reply.body());
    }
    return reply;
  }

  private void awaitStatus(int status, String path) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(BOUND_S);
    while (calls.get(path).status() != status) {
      assertTrue(System.nanoTime() < deadline, "GET " + path + " did not answer " + status + " within " + BOUND_S
          + " s");
      Thread.sleep(100);
    }
    get(status, path);
  }

  private String url(String path) {
    return "http://proxy.test/kafka" + path;
  }

  /** {@code data} holds the moves of exactly these partitions of {@code topic}, in partition order. */
  private void assertMoving(JsonNode data, String topic, int... partitions) {
    assertEquals(partitions.length, data.size(), data.toString());
    for (int i = 0; i < partitions.length; i++) {
      assertReassignment(data.get(i), topic, partitions[i]);
    }
  }

  /** One move from {@link #SOURCE} to {@link #TARGET}, with the fields and links upstream gives. */
  private void assertReassignment(JsonNode r, String topic, int partition) {
    String partitionPath = base + "/topics/" + topic + "/partitions/" + partition;
    assertEquals("KafkaReassignment", r.get("kind").asText(), r.toString());
    assertEquals(url(partitionPath + "/reassignment"), r.get("metadata").get("self").asText());
    assertEquals("crn:///kafka=" + clusterId + "/topic=" + topic + "/partition=" + partition + "/reassignment",
        r.get("metadata").get("resource_name").asText());
    assertEquals(clusterId, r.get("cluster_id").asText());
    assertEquals(topic, r.get("topic_name").asText());
    assertEquals(partition, r.get("partition_id").asInt());
    assertEquals(TARGET, ints(r.get("adding_replicas")), r.toString());
    assertEquals(SOURCE, ints(r.get("removing_replicas")), r.toString());
    assertEquals(url(partitionPath + "/replicas"), r.get("replicas").get("related").asText());
  }

  private static List<Integer> ints(JsonNode array) {
    List<Integer> ids = new ArrayList<>();
    array.forEach(id -> ids.add(id.asInt()));
    ids.sort(null); // Kafka does not promise an order
    return ids;
  }

  /** Incompressible records, several MB per partition: far more than the throttle lets through in the test. */
  private static void fill(String bootstrap, String topic) throws Exception {
    Random random = new Random(1);
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap,
        "acks", "1", "linger.ms", "5"), new ByteArraySerializer(), new ByteArraySerializer())) {
      List<Future<?>> sent = new ArrayList<>();
      for (int p = 0; p < PARTITIONS; p++) {
        for (int i = 0; i < RECORDS_PER_PARTITION; i++) {
          byte[] value = new byte[RECORD_BYTES];
          random.nextBytes(value);
          sent.add(producer.send(new ProducerRecord<>(topic, p, null, value)));
        }
      }
      for (Future<?> f : sent) {
        f.get(BOUND_S, TimeUnit.SECONDS);
      }
    }
  }

  /** Sets (or deletes) the replication throttle: its rate on every broker, and all of the topic's replicas. */
  private static void throttle(Admin admin, String topic, AlterConfigOp.OpType op) throws Exception {
    Map<ConfigResource, Collection<AlterConfigOp>> changes = new HashMap<>();
    for (int id = 1; id <= EmbeddedCluster.BROKERS; id++) {
      changes.put(new ConfigResource(ConfigResource.Type.BROKER, Integer.toString(id)), ops(BROKER_THROTTLES,
          THROTTLE, op));
    }
    changes.put(new ConfigResource(ConfigResource.Type.TOPIC, topic), ops(TOPIC_THROTTLES, "*", op));
    admin.incrementalAlterConfigs(changes).all().get(BOUND_S, TimeUnit.SECONDS);
  }

  private static List<AlterConfigOp> ops(List<String> names, String value, AlterConfigOp.OpType op) {
    return names.stream().map(n -> new AlterConfigOp(new ConfigEntry(n, value), op)).toList();
  }

  /** Each partition's replica ids, sorted. */
  private static Map<Integer, List<Integer>> replicas(Admin admin, String topic) throws Exception {
    Map<Integer, List<Integer>> replicas = new HashMap<>();
    admin.describeTopics(List.of(topic)).allTopicNames().get(BOUND_S, TimeUnit.SECONDS).get(topic).partitions()
        .forEach(p -> replicas.put(p.partition(), p.replicas().stream().map(Node::id).sorted().toList()));
    return replicas;
  }
}
