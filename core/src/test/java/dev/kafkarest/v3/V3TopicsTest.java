package dev.kafkarest.v3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kafkarest.KafkaRest;
import dev.kafkarest.KafkaRestConfig;
import dev.kafkarest.http.MediaTypes;
import dev.kafkarest.http.RestResponse;
import dev.kafkarest.security.Operation;
import dev.kafkarest.testing.DirectCalls;
import dev.kafkarest.testing.DirectCalls.Reply;
import dev.kafkarest.testing.SharedKafka;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** v3 topic administration, partitions and configs against the real broker, checked with Kafka's own Admin. */
@ExtendWith(SharedKafka.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class V3TopicsTest {
  private KafkaRest rest;
  private DirectCalls calls;
  private Admin admin;
  private String clusterId;
  private String base;

  @BeforeAll
  void start() throws Exception {
    rest = KafkaRest.create(KafkaRestConfig.builder().bootstrapServers(SharedKafka.bootstrapServers()).build());
    calls = new DirectCalls(rest);
    admin = Admin.create(Map.of("bootstrap.servers", SharedKafka.bootstrapServers()));
    clusterId = admin.describeCluster().clusterId().get();
    base = "/v3/clusters/" + clusterId;
  }

  @AfterAll
  void stop() {
    rest.close();
    admin.close();
  }

  private static String name() {
    return "v3-" + UUID.randomUUID();
  }

  private Reply post(String path, String body) {
    return calls.post(path, MediaTypes.JSON, body);
  }

  private Reply send(String method, String path, String body) {
    return calls.call(method, path, body == null ? null : MediaTypes.JSON, body);
  }

  @Test
  void createGetListGrowDelete() throws Exception {
    String topic = name();
    RestResponse created = calls.respond("POST", base + "/topics", MediaTypes.JSON, ("{\"topic_name\":\"" + topic
        + "\",\"partitions_count\":2,\"replication_factor\":1,\"configs\":[{\"name\":\"cleanup.policy\","
        + "\"value\":\"compact\"}]}").getBytes());
    assertEquals(201, created.status(), created.bodyAsString());
    awaitKnown(topic);
    String self = "http://proxy.test/kafka" + base + "/topics/" + topic;
    assertEquals(List.of(self), created.headers().get("Location"));
    JsonNode body = dev.kafkarest.http.Json.MAPPER.readTree(created.bodyAsString());
    assertEquals("KafkaTopic", body.get("kind").asText());
    assertEquals(2, body.get("partitions_count").asInt());
    assertEquals(1, body.get("replication_factor").asInt());
    assertEquals("crn:///kafka=" + clusterId + "/topic=" + topic, body.get("metadata").get("resource_name").asText());
    assertEquals(self + "/partitions/-/reassignment", body.get("partition_reassignments").get("related").asText());

    TopicDescription d = admin.describeTopics(Set.of(topic)).allTopicNames().get().get(topic);
    assertEquals(2, d.partitions().size());
    assertEquals("compact", admin.describeConfigs(Set.of(new ConfigResource(ConfigResource.Type.TOPIC, topic)))
        .all().get().values().iterator().next().get("cleanup.policy").value());

    JsonNode got = calls.get(base + "/topics/" + topic).json();
    assertEquals(topic, got.get("topic_name").asText());
    assertFalse(got.get("is_internal").asBoolean());
    assertFalse(got.has("authorized_operations"));
    assertTrue(calls.get(base + "/topics/" + topic + "?include_authorized_operations=true").json()
        .get("authorized_operations").isArray());

    JsonNode list = calls.get(base + "/topics").json();
    assertEquals("KafkaTopicList", list.get("kind").asText());
    List<String> names = new ArrayList<>();
    list.get("data").forEach(t -> names.add(t.get("topic_name").asText()));
    assertTrue(names.contains(topic));
    List<String> sorted = new ArrayList<>(names);
    java.util.Collections.sort(sorted);
    assertEquals(sorted, names);
    assertFalse(names.contains("__consumer_offsets"));

    Reply grown = send("PATCH", base + "/topics/" + topic, "{\"partitions_count\":3}");
    assertEquals(200, grown.status(), grown.body());
    assertEquals(3, grown.json().get("partitions_count").asInt());
    Reply shrink = send("PATCH", base + "/topics/" + topic, "{\"partitions_count\":1}");
    assertEquals(400, shrink.status());
    assertEquals(40002, shrink.json().get("error_code").asInt());

    assertEquals(204, send("DELETE", base + "/topics/" + topic, null).status());
    Reply gone = awaitGone(topic); // the answering broker's metadata may lag the controller's delete a moment
    assertEquals(404, gone.status());
    assertEquals(40403, gone.json().get("error_code").asInt());
    assertEquals(404, send("DELETE", base + "/topics/" + topic, null).status());
  }

  @Test
  void validateOnlyCreatesNothingAndReplicaAssignmentsDecide() throws Exception {
    String topic = name();
    Reply checked = post(base + "/topics", "{\"topic_name\":\"" + topic + "\",\"partitions_count\":4,"
        + "\"validate_only\":true}");
    assertEquals(200, checked.status(), checked.body());
    assertEquals(4, checked.json().get("partitions_count").asInt());
    assertFalse(admin.listTopics().names().get().contains(topic));

    Reply assigned = post(base + "/topics", "{\"topic_name\":\"" + topic + "\",\"replicas_assignments\":"
        + "{\"0\":[1],\"1\":[1],\"2\":[1]}}");
    assertEquals(201, assigned.status(), assigned.body());
    awaitKnown(topic);
    assertEquals(3, admin.describeTopics(Set.of(topic)).allTopicNames().get().get(topic).partitions().size());
  }

  @Test
  void badCreateBodies() {
    Reply empty = calls.call("POST", base + "/topics", MediaTypes.JSON, "");
    assertEquals(422, empty.status());
    assertEquals(422, post(base + "/topics", "{\"topic_name\":\"has space\"}").status());
    assertEquals(42206, post(base + "/topics", "{\"topic_name\":\"has space\"}").json().get("error_code").asInt());
    assertEquals(400, post(base + "/topics", "{}").status());
    assertEquals(400, post(base + "/topics", "{\"topic_name\":7}").status());
    assertEquals(400, post(base + "/topics", "{\"topic_name\":\"x\",\"partitions_count\":\"many\"}").status());
    assertEquals(400, post(base + "/topics", "{\"topic_name\":\"x\",\"replicas_assignments\":{\"a\":[1]}}").status());
    assertEquals(400, post(base + "/topics", "{\"topic_name\":\"x\",\"replication_factor\":0}").status());
    assertEquals(400, post(base + "/topics", "not json").status());
    Reply exists = post(base + "/topics", "{\"topic_name\":\"" + existing() + "\"}");
    assertEquals(400, exists.status());
    assertEquals(40002, exists.json().get("error_code").asInt());
    assertEquals(404, post("/v3/clusters/other/topics", "{\"topic_name\":\"x\"}").status());
    assertEquals(415, calls.post(base + "/topics", MediaTypes.V2, "{\"topic_name\":\"x\"}").status());
  }

  /** A new topic, once the broker's metadata knows it (a create is acknowledged by the controller first). */
  private String existing() {
    String topic = name();
    assertEquals(201, post(base + "/topics", "{\"topic_name\":\"" + topic + "\"}").status());
    awaitKnown(topic);
    return topic;
  }

  /**
   * The config at {@code path} once {@code until} holds: an alter is acknowledged by the controller, and the
   * broker that answers describes may take a moment to have it.
   */
  private JsonNode awaitConfig(String path, java.util.function.Predicate<JsonNode> until) {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (true) {
      Reply reply = calls.get(path);
      if (reply.status() == 200 && until.test(reply.json())) {
        return reply.json();
      }
      assertTrue(System.nanoTime() < deadline, path + " is still " + reply.body());
      pause();
    }
  }

  private static java.util.function.Predicate<JsonNode> value(String expected) {
    return c -> expected.equals(c.get("value").asText());
  }

  private static final java.util.function.Predicate<JsonNode> DEFAULT = c -> c.get("is_default").asBoolean();

  private static void pause() {
    try {
      Thread.sleep(20);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private void awaitKnown(String topic) {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (calls.get(base + "/topics/" + topic).status() != 200) {
      assertTrue(System.nanoTime() < deadline, topic + " never became known");
      pause();
    }
  }

  private Reply awaitGone(String topic) {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (true) {
      Reply reply = calls.get(base + "/topics/" + topic);
      if (reply.status() != 200 || System.nanoTime() > deadline) {
        return reply;
      }
      pause();
    }
  }

  @Test
  void partitionsOffsetsAndReplicas() throws Exception {
    String topic = name();
    assertEquals(201, post(base + "/topics", "{\"topic_name\":\"" + topic + "\",\"partitions_count\":2}").status());
    awaitKnown(topic);
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
        SharedKafka.bootstrapServers()), new ByteArraySerializer(), new ByteArraySerializer())) {
      for (int i = 0; i < 3; i++) {
        producer.send(new ProducerRecord<>(topic, 1, null, new byte[] {1})).get();
      }
    }
    String partitions = base + "/topics/" + topic + "/partitions";
    JsonNode list = calls.get(partitions).json();
    assertEquals("KafkaPartitionList", list.get("kind").asText());
    assertEquals(2, list.get("data").size());
    JsonNode one = calls.get(partitions + "/1").json();
    assertEquals(1, one.get("partition_id").asInt());
    assertEquals("http://proxy.test/kafka" + partitions + "/1/replicas/1", one.get("leader").get("related").asText());
    assertEquals("crn:///kafka=" + clusterId + "/topic=" + topic + "/partition=1",
        one.get("metadata").get("resource_name").asText());

    JsonNode offsets = calls.get(partitions + "/1/offset").json();
    assertEquals("KafkaPartitionWithOffsets", offsets.get("kind").asText());
    assertEquals(0, offsets.get("earliest_offset").asLong());
    assertEquals(3, offsets.get("latest_offset").asLong());
    assertEquals(400, calls.get(partitions + "/1/offset?offset_type=latest").status());
    Reply missing = calls.get(partitions + "/9/offset");
    assertEquals(404, missing.status());
    assertEquals(40402, missing.json().get("error_code").asInt());

    JsonNode replicas = calls.get(partitions + "/0/replicas").json();
    assertEquals(1, replicas.get("data").size());
    JsonNode replica = replicas.get("data").get(0);
    assertTrue(replica.get("is_leader").asBoolean());
    assertTrue(replica.get("is_in_sync").asBoolean());
    assertEquals("http://proxy.test/kafka" + base + "/brokers/1", replica.get("broker").get("related").asText());
    assertEquals(replica, calls.get(partitions + "/0/replicas/1").json());
    assertEquals(404, calls.get(partitions + "/0/replicas/7").status());

    JsonNode held = calls.get(base + "/brokers/1/partition-replicas").json();
    long ofTopic = 0;
    for (JsonNode r : held.get("data")) {
      ofTopic += r.get("topic_name").asText().equals(topic) ? 1 : 0;
    }
    assertEquals(2, ofTopic);
    assertEquals(404, calls.get(base + "/brokers/5/partition-replicas").status());
  }

  @Test
  void topicConfigsReadSetResetAndAlter() throws Exception {
    String topic = existing();
    String configs = base + "/topics/" + topic + "/configs";
    JsonNode list = calls.get(configs).json();
    assertEquals("KafkaTopicConfigList", list.get("kind").asText());
    List<String> names = new ArrayList<>();
    list.get("data").forEach(c -> names.add(c.get("name").asText()));
    List<String> sorted = new ArrayList<>(names);
    java.util.Collections.sort(sorted);
    assertEquals(sorted, names);

    JsonNode retention = calls.get(configs + "/retention.ms").json();
    assertEquals("KafkaTopicConfig", retention.get("kind").asText());
    assertEquals(topic, retention.get("topic_name").asText());
    assertTrue(retention.get("is_default").asBoolean());
    assertEquals("DEFAULT_CONFIG", retention.get("source").asText());
    assertTrue(retention.get("synonyms").isArray());
    assertEquals("crn:///kafka=" + clusterId + "/topic=" + topic + "/config=retention.ms",
        retention.get("metadata").get("resource_name").asText());

    assertEquals(204, send("PUT", configs + "/retention.ms", "{\"value\":\"3600000\"}").status());
    JsonNode set = awaitConfig(configs + "/retention.ms", value("3600000"));
    assertEquals("DYNAMIC_TOPIC_CONFIG", set.get("source").asText());
    assertFalse(set.get("is_default").asBoolean());

    assertEquals(204, send("DELETE", configs + "/retention.ms", null).status());
    awaitConfig(configs + "/retention.ms", DEFAULT);

    assertEquals(204, post(configs + ":alter", "{\"data\":[{\"name\":\"retention.ms\",\"value\":\"7200000\"},"
        + "{\"name\":\"segment.ms\",\"value\":\"600000\",\"operation\":\"SET\"}]}").status());
    awaitConfig(configs + "/retention.ms", value("7200000"));
    awaitConfig(configs + "/segment.ms", value("600000"));
    assertEquals(204, post(configs + ":alter", "{\"data\":[{\"name\":\"segment.ms\",\"value\":\"1\"}],"
        + "\"validate_only\":true}").status());
    assertEquals("600000", calls.get(configs + "/segment.ms").json().get("value").asText()); // only validated
    assertEquals(204, post(configs + ":alter", "{\"data\":[{\"name\":\"segment.ms\",\"operation\":\"DELETE\"}]}")
        .status());
    awaitConfig(configs + "/segment.ms", DEFAULT);

    assertEquals(404, calls.get(configs + "/no.such.config").status());
    assertEquals(400, send("PUT", configs + "/no.such.config", "{\"value\":\"1\"}").status());
    assertEquals(400, post(configs + ":alter", "{\"data\":[{\"name\":\"retention.ms\",\"operation\":\"MERGE\"}]}")
        .status());
    assertEquals(422, post(configs + ":alter", "").status());
    Reply noTopic = calls.get(base + "/topics/" + name() + "/configs");
    assertEquals(404, noTopic.status());
    assertEquals(40403, noTopic.json().get("error_code").asInt());

    JsonNode all = calls.get(base + "/topics/-/configs").json();
    boolean found = false;
    for (JsonNode c : all.get("data")) {
      found |= c.get("topic_name").asText().equals(topic) && c.get("name").asText().equals("retention.ms");
    }
    assertTrue(found);
  }

  @Test
  void brokerAndClusterConfigs() {
    JsonNode list = calls.get(base + "/brokers/1/configs").json();
    assertEquals("KafkaBrokerConfigList", list.get("kind").asText());
    JsonNode threads = calls.get(base + "/brokers/1/configs/num.io.threads").json();
    assertEquals(1, threads.get("broker_id").asInt());
    assertEquals("crn:///kafka=" + clusterId + "/broker=1/config=num.io.threads",
        threads.get("metadata").get("resource_name").asText());
    assertEquals(404, calls.get(base + "/brokers/9/configs").status());

    // A dynamic broker setting, per broker and cluster-wide.
    Reply put = send("PUT", base + "/brokers/1/configs/log.cleaner.backoff.ms", "{\"value\":\"20000\"}");
    assertEquals(204, put.status(), put.body());
    awaitConfig(base + "/brokers/1/configs/log.cleaner.backoff.ms", value("20000"));
    assertEquals(204, send("DELETE", base + "/brokers/1/configs/log.cleaner.backoff.ms", null).status());

    assertEquals(204, send("PUT", base + "/broker-configs/log.cleaner.backoff.ms", "{\"value\":\"20000\"}").status());
    JsonNode cluster = awaitConfig(base + "/broker-configs/log.cleaner.backoff.ms", value("20000"));
    assertEquals("KafkaClusterConfig", cluster.get("kind").asText());
    assertEquals("BROKER", cluster.get("config_type").asText());
    assertEquals("20000", cluster.get("value").asText());
    assertEquals("crn:///kafka=" + clusterId + "/broker-config=log.cleaner.backoff.ms",
        cluster.get("metadata").get("resource_name").asText());
    assertEquals("KafkaClusterConfigList", calls.get(base + "/broker-configs").json().get("kind").asText());
    assertEquals(204, post(base + "/broker-configs:alter",
        "{\"data\":[{\"name\":\"log.cleaner.backoff.ms\",\"operation\":\"DELETE\"}]}").status());
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (calls.get(base + "/broker-configs/log.cleaner.backoff.ms").status() != 404) {
      assertTrue(System.nanoTime() < deadline, "the cluster-wide setting was never removed");
      pause();
    }
  }

  @Test
  void readOnlyAndSensitiveConfigs() {
    String configs = base + "/brokers/1/configs";
    JsonNode nodeId = calls.get(configs + "/node.id").json();
    assertTrue(nodeId.get("is_read_only").asBoolean(), nodeId.toString());
    Reply refused = send("PUT", configs + "/node.id", "{\"value\":\"7\"}");
    assertEquals(400, refused.status(), refused.body());
    assertEquals(40002, refused.json().get("error_code").asInt());
    assertEquals("1", calls.get(configs + "/node.id").json().get("value").asText());

    // A password setting: described as sensitive, its value never shown (not even an empty one).
    JsonNode password = calls.get(configs + "/ssl.truststore.password").json();
    assertTrue(password.get("is_sensitive").asBoolean(), password.toString());
    assertTrue(password.get("value").isNull(), password.toString());
    password.get("synonyms").forEach(synonym -> assertTrue(synonym.get("value").isNull(), password.toString()));
  }

  /** A single broker cannot move a replica anywhere, so no reassignment is ever in progress here. */
  @Test
  void noReassignmentInProgress() {
    String topic = existing();
    JsonNode all = calls.get(base + "/topics/-/partitions/-/reassignment").json();
    assertEquals("KafkaReassignmentList", all.get("kind").asText());
    assertEquals(0, all.get("data").size());
    JsonNode ofTopic = calls.get(base + "/topics/" + topic + "/partitions/-/reassignment").json();
    assertEquals("http://proxy.test/kafka" + base + "/topics/" + topic + "/partitions/-/reassignment",
        ofTopic.get("metadata").get("self").asText());
    Reply one = calls.get(base + "/topics/" + topic + "/partitions/0/reassignment");
    assertEquals(404, one.status());
    assertEquals(404, one.json().get("error_code").asInt());
  }

  @Test
  void aDeniedCallChangesNothing() throws Exception {
    KafkaRestConfig config = KafkaRestConfig.builder().bootstrapServers(SharedKafka.bootstrapServers()).build();
    try (KafkaRest guarded = KafkaRest.builder(config)
        .accessPolicy((principal, operation, resource) -> operation == Operation.DESCRIBE)
        .build()) {
      DirectCalls denied = new DirectCalls(guarded);
      String topic = name();
      Reply create = denied.post(base + "/topics", MediaTypes.JSON, "{\"topic_name\":\"" + topic + "\"}");
      assertEquals(403, create.status());
      assertEquals(40301, create.json().get("error_code").asInt());
      assertFalse(admin.listTopics().names().get().contains(topic));
      String kept = existing();
      assertEquals(403, denied.call("DELETE", base + "/topics/" + kept, null, null).status());
      assertEquals(403, denied.call("PUT", base + "/topics/" + kept + "/configs/retention.ms", MediaTypes.JSON,
          "{\"value\":\"1\"}").status());
      assertEquals(200, denied.get(base + "/topics/" + kept).status()); // still there
    }
  }
}
