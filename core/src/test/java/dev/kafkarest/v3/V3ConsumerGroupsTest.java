package dev.kafkarest.v3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kafkarest.KafkaRest;
import dev.kafkarest.KafkaRestConfig;
import dev.kafkarest.security.Operation;
import dev.kafkarest.security.Resource;
import dev.kafkarest.testing.DirectCalls;
import dev.kafkarest.testing.DirectCalls.Reply;
import dev.kafkarest.testing.SharedKafka;
import dev.kafkarest.testing.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code /v3/clusters/{c}/consumer-groups}, consumers, assignments, lags and the lag summary against the real
 * broker: a group with committed offsets only, a group with a live member, unknown groups and the access check.
 */
@ExtendWith(SharedKafka.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class V3ConsumerGroupsTest {
  private static final String BASE = "http://proxy.test/kafka/v3/clusters/";
  private KafkaRest rest;
  private DirectCalls calls;
  private Admin admin;
  private KafkaProducer<byte[], byte[]> producer;
  private String clusterId;
  private String groups;

  @BeforeAll
  void start() throws Exception {
    rest = KafkaRest.create(KafkaRestConfig.builder().bootstrapServers(SharedKafka.bootstrapServers()).build());
    calls = new DirectCalls(rest);
    admin = Admin.create(Map.of("bootstrap.servers", SharedKafka.bootstrapServers()));
    producer = new KafkaProducer<>(Map.of("bootstrap.servers", SharedKafka.bootstrapServers()),
        new ByteArraySerializer(), new ByteArraySerializer());
    clusterId = admin.describeCluster().clusterId().get();
    groups = "/v3/clusters/" + clusterId + "/consumer-groups/";
  }

  @AfterAll
  void stop() {
    producer.close();
    admin.close();
    rest.close();
  }

  private void produce(String topic, int partition, int count) throws Exception {
    for (int i = 0; i < count; i++) {
      producer.send(new ProducerRecord<>(topic, partition, null, new byte[] {(byte) i})).get();
    }
  }

  /** A group with committed offsets and no member: Kafka keeps it as a simple, EMPTY group. */
  private String committedGroup(Map<TopicPartition, Long> offsets) throws Exception {
    String group = "g-committed-" + UUID.randomUUID();
    Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
    offsets.forEach((tp, o) -> commits.put(tp, new OffsetAndMetadata(o)));
    admin.alterConsumerGroupOffsets(group, commits).all().get();
    return group;
  }

  @Test
  void lagsOfACommittedGroupAreSortedAndFollowTheLogEnd() throws Exception {
    String a = Topics.create(SharedKafka.bootstrapServers(), 3, "a-");
    String b = Topics.create(SharedKafka.bootstrapServers(), 1, "b-");
    produce(a, 0, 5);
    produce(a, 1, 2);
    produce(a, 2, 5);
    produce(b, 0, 4);
    String group = committedGroup(Map.of(new TopicPartition(a, 0), 1L, new TopicPartition(a, 1), 2L,
        new TopicPartition(a, 2), 0L, new TopicPartition(b, 0), 0L));

    JsonNode lags = calls.get(groups + group + "/lags").json();
    assertEquals("KafkaConsumerLagList", lags.get("kind").asText());
    assertEquals(BASE + clusterId + "/consumer-groups/" + group + "/lags", lags.get("metadata").get("self").asText());
    // lag 5 (a/2), then the tie at 4 broken by topic name (a/0 before b/0), then lag 0 (a/1)
    assertEquals(List.of(a + "/2=5", a + "/0=4", b + "/0=4", a + "/1=0"), summary(lags));
    JsonNode first = lags.get("data").get(0);
    assertEquals("KafkaConsumerLag", first.get("kind").asText());
    assertEquals(BASE + clusterId + "/consumer-groups/" + group + "/lags/" + a + "/partitions/2",
        first.get("metadata").get("self").asText());
    assertEquals("crn:///kafka=" + clusterId + "/consumer-group=" + group + "/lag=" + a + "/partition=2",
        first.get("metadata").get("resource_name").asText());
    assertEquals(clusterId, first.get("cluster_id").asText());
    assertEquals(group, first.get("consumer_group_id").asText());
    assertEquals(0, first.get("current_offset").asLong());
    assertEquals(5, first.get("log_end_offset").asLong());
    assertEquals("", first.get("consumer_id").asText()); // nobody owns the partition
    assertEquals("", first.get("client_id").asText());
    assertTrue(first.get("instance_id").isNull());

    produce(a, 1, 7); // the lag of a/1 moves from 0 to 7 and to the top
    JsonNode moved = calls.get(groups + group + "/lags").json();
    assertEquals(List.of(a + "/1=7", a + "/2=5", a + "/0=4", b + "/0=4"), summary(moved));
    JsonNode one = calls.get(groups + group + "/lags/" + a + "/partitions/1").json();
    assertEquals(moved.get("data").get(0), one);
    assertEquals(404, calls.get(groups + group + "/lags/" + a + "/partitions/9").status());
    assertEquals(404, calls.get(groups + group + "/lags/none-such/partitions/0").status());

    JsonNode summary = calls.get(groups + group + "/lag-summary").json();
    assertEquals("KafkaConsumerGroupLagSummary", summary.get("kind").asText());
    assertEquals(BASE + clusterId + "/consumer-groups/" + group + "/lag-summary",
        summary.get("metadata").get("self").asText());
    assertEquals("crn:///kafka=" + clusterId + "/consumer-group=" + group + "/lag-summary",
        summary.get("metadata").get("resource_name").asText());
    assertEquals(7, summary.get("max_lag").asLong());
    assertEquals(7 + 5 + 4 + 4, summary.get("total_lag").asLong());
    assertEquals(a, summary.get("max_lag_topic_name").asText());
    assertEquals(1, summary.get("max_lag_partition_id").asInt());
    assertEquals("", summary.get("max_lag_consumer_id").asText());
    assertEquals("", summary.get("max_lag_client_id").asText());
    assertTrue(summary.get("max_lag_instance_id").isNull());
    assertEquals(BASE + clusterId + "/topics/" + a + "/partitions/1",
        summary.get("max_lag_partition").get("related").asText());
    assertTrue(summary.get("max_lag_consumer").get("related").asText().startsWith(
        BASE + clusterId + "/consumer-groups/" + group + "/consumers/"));

    JsonNode described = calls.get(groups + group).json();
    assertEquals("KafkaConsumerGroup", described.get("kind").asText());
    assertTrue(described.get("is_simple").asBoolean());
    assertEquals("EMPTY", described.get("state").asText());
    assertEquals(0, calls.get(groups + group + "/consumers").json().get("data").size());
  }

  private static List<String> summary(JsonNode lags) {
    List<String> out = new ArrayList<>();
    lags.get("data").forEach(l -> out.add(l.get("topic_name").asText() + "/" + l.get("partition_id").asInt() + "="
        + l.get("lag").asLong()));
    return out;
  }

  @Test
  void aGroupWithALiveMemberShowsConsumersAssignmentsAndLinks() throws Exception {
    String topic = Topics.create(SharedKafka.bootstrapServers(), 2, "m-");
    produce(topic, 0, 3);
    produce(topic, 1, 1);
    String group = "g-members-" + UUID.randomUUID();
    Map<String, Object> config = new HashMap<>();
    config.put("bootstrap.servers", SharedKafka.bootstrapServers());
    config.put("group.id", group);
    config.put("client.id", "v3-test-client");
    config.put("group.instance.id", "v3-instance");
    config.put("enable.auto.commit", "false");
    config.put("auto.offset.reset", "earliest");
    try (KafkaConsumer<byte[], byte[]> consumer =
             new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.currentTimeMillis() + 30_000;
      while (consumer.assignment().size() < 2 && System.currentTimeMillis() < deadline) {
        consumer.poll(Duration.ofMillis(100));
      }
      assertEquals(2, consumer.assignment().size());

      // a member but nothing committed yet: the group is there, its lags are not
      assertEquals(200, calls.get(groups + group).status());
      Reply noOffsets = calls.get(groups + group + "/lags");
      assertEquals(404, noOffsets.status(), noOffsets.body());
      assertEquals("Consumer group offsets could not be found.", noOffsets.json().get("message").asText());
      assertEquals(404, calls.get(groups + group + "/lag-summary").status());

      consumer.commitSync(Map.of(new TopicPartition(topic, 0), new OffsetAndMetadata(1),
          new TopicPartition(topic, 1), new OffsetAndMetadata(1)));

      JsonNode g = calls.get(groups + group).json();
      String self = BASE + clusterId + "/consumer-groups/" + group;
      assertEquals(self, g.get("metadata").get("self").asText());
      assertEquals("crn:///kafka=" + clusterId + "/consumer-group=" + group,
          g.get("metadata").get("resource_name").asText());
      assertEquals(clusterId, g.get("cluster_id").asText());
      assertEquals(group, g.get("consumer_group_id").asText());
      assertFalse(g.get("is_simple").asBoolean());
      assertFalse(g.get("partition_assignor").asText().isEmpty());
      assertEquals("STABLE", g.get("state").asText());
      assertEquals("CLASSIC", g.get("type").asText());
      assertFalse(g.get("is_mixed_consumer_group").asBoolean());
      assertEquals(BASE + clusterId + "/brokers/1", g.get("coordinator").get("related").asText());
      assertEquals(self + "/consumers", g.get("consumers").get("related").asText());
      assertEquals(self + "/lag-summary", g.get("lag_summary").get("related").asText());

      JsonNode listed = calls.get("/v3/clusters/" + clusterId + "/consumer-groups").json();
      assertEquals("KafkaConsumerGroupList", listed.get("kind").asText());
      assertTrue(ids(listed, "consumer_group_id").contains(group));

      JsonNode consumers = calls.get(groups + group + "/consumers").json();
      assertEquals("KafkaConsumerList", consumers.get("kind").asText());
      assertEquals(1, consumers.get("data").size());
      JsonNode member = consumers.get("data").get(0);
      String memberId = member.get("consumer_id").asText();
      assertEquals("KafkaConsumer", member.get("kind").asText());
      assertEquals(self + "/consumers/" + memberId, member.get("metadata").get("self").asText());
      assertEquals("crn:///kafka=" + clusterId + "/consumer-group=" + group + "/consumer=" + memberId,
          member.get("metadata").get("resource_name").asText());
      assertEquals("v3-instance", member.get("instance_id").asText());
      assertEquals("v3-test-client", member.get("client_id").asText());
      assertEquals(self + "/consumers/" + memberId + "/assignments", member.get("assignments").get("related").asText());
      assertEquals(member, calls.get(groups + group + "/consumers/" + memberId).json());

      JsonNode assignments = calls.get(groups + group + "/consumers/" + memberId + "/assignments").json();
      assertEquals("KafkaConsumerAssignmentList", assignments.get("kind").asText());
      assertEquals(List.of("0", "1"), ids(assignments, "partition_id"));
      JsonNode assignment = assignments.get("data").get(1);
      assertEquals(self + "/consumers/" + memberId + "/assignments/" + topic + "/partitions/1",
          assignment.get("metadata").get("self").asText());
      assertEquals("crn:///kafka=" + clusterId + "/consumer-group=" + group + "/consumer=" + memberId
          + "/assignment=" + topic + "/partition=1", assignment.get("metadata").get("resource_name").asText());
      assertEquals(topic, assignment.get("topic_name").asText());
      assertEquals(BASE + clusterId + "/topics/" + topic + "/partitions/1",
          assignment.get("partition").get("related").asText());
      assertEquals(self + "/lags/" + topic + "/partitions/1", assignment.get("lag").get("related").asText());
      assertEquals(assignment,
          calls.get(groups + group + "/consumers/" + memberId + "/assignments/" + topic + "/partitions/1").json());
      assertEquals(404,
          calls.get(groups + group + "/consumers/" + memberId + "/assignments/" + topic + "/partitions/7").status());
      Reply noConsumer = calls.get(groups + group + "/consumers/nobody/assignments");
      assertEquals(404, noConsumer.status());
      assertEquals("Consumer nobody does not exist.", noConsumer.json().get("message").asText());
      assertEquals(404, calls.get(groups + group + "/consumers/nobody").status());

      JsonNode lags = calls.get(groups + group + "/lags").json();
      assertEquals(List.of(topic + "/0=2", topic + "/1=0"), summary(lags));
      JsonNode lag = lags.get("data").get(0);
      assertEquals(memberId, lag.get("consumer_id").asText());
      assertEquals("v3-instance", lag.get("instance_id").asText());
      assertEquals("v3-test-client", lag.get("client_id").asText());

      JsonNode summary = calls.get(groups + group + "/lag-summary").json();
      assertEquals(memberId, summary.get("max_lag_consumer_id").asText());
      assertEquals("v3-test-client", summary.get("max_lag_client_id").asText());
      assertEquals("v3-instance", summary.get("max_lag_instance_id").asText());
      assertEquals(self + "/consumers/" + memberId, summary.get("max_lag_consumer").get("related").asText());
      assertEquals(2, summary.get("total_lag").asLong());
    }
  }

  private static List<String> ids(JsonNode list, String field) {
    List<String> out = new ArrayList<>();
    list.get("data").forEach(item -> out.add(item.get(field).asText()));
    return out;
  }

  @Test
  void unknownGroupsAre404WithUpstreamsMessages() {
    String missing = "g-none-" + UUID.randomUUID();
    Reply group = calls.get(groups + missing);
    assertEquals(404, group.status());
    assertEquals("application/json", group.contentType());
    assertEquals(404, group.json().get("error_code").asInt());
    assertEquals("HTTP 404 Not Found", group.json().get("message").asText());
    Reply lags = calls.get(groups + missing + "/lags");
    assertEquals(404, lags.status());
    assertEquals("Consumer Group " + missing + " could not be found.", lags.json().get("message").asText());
    assertEquals(404, calls.get(groups + missing + "/lag-summary").status());
    assertEquals(404, calls.get(groups + missing + "/lags/t/partitions/0").status());
    Reply consumers = calls.get(groups + missing + "/consumers");
    assertEquals(404, consumers.status());
    assertEquals("Consumer Group " + missing + " does not exist.", consumers.json().get("message").asText());
    assertEquals(404, calls.get("/v3/clusters/not-this-one/consumer-groups").status());
    assertEquals(404, calls.get("/v3/clusters/not-this-one/consumer-groups/" + missing).status());
  }

  @Test
  void aDeniedGroupIs403AndLeftOutOfTheList() throws Exception {
    String topic = Topics.create(SharedKafka.bootstrapServers(), 1, "d-");
    produce(topic, 0, 2);
    String denied = committedGroup(Map.of(new TopicPartition(topic, 0), 1L));
    String allowed = committedGroup(Map.of(new TopicPartition(topic, 0), 0L));
    try (KafkaRest guarded = KafkaRest.builder(
            KafkaRestConfig.builder().bootstrapServers(SharedKafka.bootstrapServers()).build())
        .accessPolicy((principal, operation, resource) ->
            !(operation == Operation.DESCRIBE && resource.equals(Resource.group(denied))))
        .build()) {
      DirectCalls guardedCalls = new DirectCalls(guarded);
      for (String path : List.of("", "/consumers", "/lags", "/lag-summary", "/lags/" + topic + "/partitions/0")) {
        Reply reply = guardedCalls.get(groups + denied + path);
        assertEquals(403, reply.status(), path);
        assertEquals(40301, reply.json().get("error_code").asInt());
        assertFalse(reply.body().contains("current_offset"), path);
      }
      assertEquals(200, guardedCalls.get(groups + allowed + "/lags").status());
      List<String> listed = ids(guardedCalls.get("/v3/clusters/" + clusterId + "/consumer-groups").json(),
          "consumer_group_id");
      assertTrue(listed.contains(allowed), listed.toString());
      assertFalse(listed.contains(denied));
    }
  }
}
