package dev.kafkarest.v3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kafkarest.KafkaRest;
import dev.kafkarest.KafkaRestConfig;
import dev.kafkarest.testing.DirectCalls;
import dev.kafkarest.testing.DirectCalls.Reply;
import dev.kafkarest.testing.SharedKafka;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code /v3/clusters} and its brokers against the real broker: shapes, links, CRNs and the 404s. */
@ExtendWith(SharedKafka.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class V3ClustersTest {
  private static final String BASE = "http://proxy.test/kafka/v3/clusters/";
  private KafkaRest rest;
  private DirectCalls calls;
  private String clusterId;

  @BeforeAll
  void start() throws Exception {
    rest = KafkaRest.create(KafkaRestConfig.builder().bootstrapServers(SharedKafka.bootstrapServers()).build());
    calls = new DirectCalls(rest);
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", SharedKafka.bootstrapServers()))) {
      clusterId = admin.describeCluster().clusterId().get();
    }
  }

  @AfterAll
  void stop() {
    rest.close();
  }

  @Test
  void listsTheOneClusterWithEveryRelationship() {
    Reply reply = calls.get("/v3/clusters");
    assertEquals(200, reply.status(), reply.body());
    assertEquals("application/json", reply.contentType());
    JsonNode list = reply.json();
    assertEquals("KafkaClusterList", list.get("kind").asText());
    assertEquals("http://proxy.test/kafka/v3/clusters", list.get("metadata").get("self").asText());
    assertTrue(list.get("metadata").get("next").isNull());
    assertEquals(1, list.get("data").size());
    JsonNode cluster = list.get("data").get(0);
    assertEquals("KafkaCluster", cluster.get("kind").asText());
    assertEquals(clusterId, cluster.get("cluster_id").asText());
    assertEquals(BASE + clusterId, cluster.get("metadata").get("self").asText());
    assertEquals("crn:///kafka=" + clusterId, cluster.get("metadata").get("resource_name").asText());
    assertEquals(BASE + clusterId + "/brokers/1", cluster.get("controller").get("related").asText());
    assertEquals(BASE + clusterId + "/topics/-/partitions/-/reassignment",
        cluster.get("partition_reassignments").get("related").asText());
    for (String field : new String[] {"acls", "brokers", "broker_configs", "consumer_groups", "topics"}) {
      assertTrue(cluster.get(field).get("related").asText().startsWith(BASE + clusterId + "/"), field);
    }
    assertEquals(cluster, calls.get("/v3/clusters/" + clusterId).json());
  }

  @Test
  void anotherClusterIdIs404() {
    Reply reply = calls.get("/v3/clusters/not-this-one");
    assertEquals(404, reply.status());
    assertEquals("application/json", reply.contentType());
    assertEquals(404, reply.json().get("error_code").asInt());
    assertEquals("Cluster not-this-one cannot be found.", reply.json().get("message").asText());
    assertEquals(404, calls.get("/v3/clusters/not-this-one/brokers").status());
  }

  @Test
  void brokersListAndGet() {
    JsonNode list = calls.get("/v3/clusters/" + clusterId + "/brokers").json();
    assertEquals("KafkaBrokerList", list.get("kind").asText());
    JsonNode broker = list.get("data").get(0);
    assertEquals(1, broker.get("broker_id").asInt());
    assertEquals("127.0.0.1", broker.get("host").asText());
    assertTrue(broker.get("port").asInt() > 0);
    assertTrue(broker.get("rack").isNull());
    assertEquals("crn:///kafka=" + clusterId + "/broker=1", broker.get("metadata").get("resource_name").asText());
    assertEquals(BASE + clusterId + "/brokers/1/configs", broker.get("configs").get("related").asText());
    assertEquals(broker, calls.get("/v3/clusters/" + clusterId + "/brokers/1").json());
    Reply missing = calls.get("/v3/clusters/" + clusterId + "/brokers/99");
    assertEquals(404, missing.status());
    assertEquals(404, missing.json().get("error_code").asInt());
    assertEquals(404, calls.get("/v3/clusters/" + clusterId + "/brokers/x").status());
  }

  @Test
  void v2AnswersAreUnchanged() {
    Reply brokers = calls.get("/brokers");
    assertEquals("{\"brokers\":[1]}", brokers.body());
    assertEquals("application/vnd.kafka.v2+json", calls.get("/topics/none-such").contentType());
  }
}
