package dev.kafkarest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kafkarest.http.Headers;
import dev.kafkarest.http.MediaTypes;
import dev.kafkarest.http.RestRequest;
import dev.kafkarest.http.RestResponse;
import dev.kafkarest.security.AccessPolicy;
import dev.kafkarest.security.Operation;
import dev.kafkarest.security.Resource;
import dev.kafkarest.testing.SharedKafka;
import dev.kafkarest.testing.Topics;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The access-control hook: the host's policy decides per principal, operation and resource. */
@ExtendWith(SharedKafka.class)
class AccessControlTest {
  private static KafkaRest rest;
  private static String aliceTopic;
  private static String otherTopic;

  /** alice may do anything with her own topics and groups (names containing "alice"); bob may only describe. */
  private static final AccessPolicy POLICY = (principal, operation, resource) -> {
    if ("alice".equals(principal)) {
      return resource.type() == Resource.Type.CLUSTER || resource.name().contains("alice")
          || operation == Operation.DESCRIBE;
    }
    return "bob".equals(principal) && operation == Operation.DESCRIBE && !resource.name().contains("alice");
  };

  @BeforeAll
  static void start() {
    rest = KafkaRest.builder(KafkaRestConfig.builder().bootstrapServers(SharedKafka.bootstrapServers()).build())
        .accessPolicy(POLICY).build();
    aliceTopic = Topics.create(SharedKafka.bootstrapServers(), 1, "alice-");
    otherTopic = Topics.create(SharedKafka.bootstrapServers(), 1);
  }

  @AfterAll
  static void stop() {
    rest.close();
  }

  private static RestResponse call(String principal, String method, String path, String contentType, String body) {
    RestRequest.Builder b = RestRequest.builder(method, path).principal(principal)
        .headers(contentType == null ? Headers.empty() : Headers.of("Content-Type", contentType));
    if (body != null) {
      b.body(body);
    }
    try {
      return rest.handle(b.build()).toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static void assertForbidden(RestResponse r) {
    assertEquals(403, r.status(), r.bodyAsString());
    assertTrue(r.bodyAsString().contains("\"error_code\":40301"), r.bodyAsString());
  }

  @Test
  void deniedProduceAnswers403AndWritesNothing() throws Exception {
    String body = "{\"records\":[{\"value\":1}]}";
    assertForbidden(call("bob", "POST", "/topics/" + otherTopic, MediaTypes.JSON_V2, body));
    assertForbidden(call(null, "POST", "/topics/" + otherTopic, MediaTypes.JSON_V2, body));
    assertForbidden(call("alice", "POST", "/topics/" + otherTopic, MediaTypes.JSON_V2, body));
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", SharedKafka.bootstrapServers()))) {
      TopicPartition tp = new TopicPartition(otherTopic, 0);
      assertEquals(0, admin.listOffsets(Map.of(tp, OffsetSpec.latest())).partitionResult(tp).get().offset());
    }
    assertEquals(200, call("alice", "POST", "/topics/" + aliceTopic, MediaTypes.JSON_V2, body).status());
  }

  @Test
  void metadataIsFilteredAndChecked() {
    String bobsView = call("bob", "GET", "/topics", null, null).bodyAsString();
    assertTrue(bobsView.contains(otherTopic));
    assertFalse(bobsView.contains(aliceTopic));
    assertForbidden(call("bob", "GET", "/topics/" + aliceTopic, null, null));
    assertForbidden(call("bob", "GET", "/topics/" + aliceTopic + "/partitions/0/offsets", null, null));
    assertForbidden(call(null, "GET", "/brokers", null, null));
    assertEquals(200, call("bob", "GET", "/brokers", null, null).status());
    assertTrue(call("alice", "GET", "/topics", null, null).bodyAsString().contains(aliceTopic));
  }

  @Test
  void consumerGroupsTopicsAndInstancesAreGuarded() {
    assertForbidden(call("bob", "POST", "/consumers/alice-g", MediaTypes.V2, "{}"));
    assertForbidden(call("alice", "POST", "/consumers/bobs-group", MediaTypes.V2, "{}"));
    assertEquals(200, call("alice", "POST", "/consumers/alice-g", MediaTypes.V2, "{\"name\":\"a1\"}").status());
    String path = "/consumers/alice-g/instances/a1";
    assertForbidden(call("alice", "POST", path + "/subscription", MediaTypes.V2,
        "{\"topics\":[\"" + otherTopic + "\"]}"));
    assertForbidden(call("alice", "POST", path + "/assignments", MediaTypes.V2,
        "{\"partitions\":[{\"topic\":\"" + otherTopic + "\",\"partition\":0}]}"));
    assertEquals(204, call("alice", "POST", path + "/subscription", MediaTypes.V2,
        "{\"topics\":[\"" + aliceTopic + "\"]}").status());
    assertForbidden(call("bob", "GET", path + "/subscription", null, null));
    assertEquals(200, call("alice", "GET", path + "/subscription", null, null).status());
    assertForbidden(call("bob", "DELETE", path, null, null));
    assertEquals(204, call("alice", "DELETE", path, null, null).status());
  }
}
