package dev.kafkarest.v3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kafkarest.KafkaRest;
import dev.kafkarest.KafkaRestConfig;
import dev.kafkarest.security.Operation;
import dev.kafkarest.testing.DirectCalls;
import dev.kafkarest.testing.DirectCalls.Reply;
import dev.kafkarest.testing.EmbeddedKafka;
import dev.kafkarest.testing.SharedKafka;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code /v3/clusters/{c}/acls} and {@code /acls:batch} against a broker of its own with an authorizer (the proxy's
 * PLAINTEXT admin is ANONYMOUS, made a super user); the shared broker, which has none, for SecurityDisabled.
 */
@ExtendWith(SharedKafka.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class V3AclsTest {
  private static final String JSON = "application/json";
  private EmbeddedKafka kafka;
  private KafkaRest rest;
  private DirectCalls calls;
  private String clusterId;
  private String acls;

  @BeforeAll
  void start() throws Exception {
    kafka = new EmbeddedKafka(Map.of(
        "authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer",
        "super.users", "User:ANONYMOUS"));
    rest = KafkaRest.create(KafkaRestConfig.builder().bootstrapServers(kafka.bootstrapServers()).build());
    calls = new DirectCalls(rest);
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      clusterId = admin.describeCluster().clusterId().get();
    }
    acls = "/v3/clusters/" + clusterId + "/acls";
  }

  @AfterAll
  void stop() throws Exception {
    rest.close();
    kafka.close();
  }

  private static String acl(String type, String name, String pattern, String principal, String host,
                            String operation, String permission) {
    return "{\"resource_type\":\"" + type + "\",\"resource_name\":\"" + name + "\",\"pattern_type\":\"" + pattern
        + "\",\"principal\":\"" + principal + "\",\"host\":\"" + host + "\",\"operation\":\"" + operation
        + "\",\"permission\":\"" + permission + "\"}";
  }

  private String url(String query) {
    return "http://proxy.test/kafka" + acls + "?" + query;
  }

  /** ACL changes reach the authorizer through the metadata log: ask again until the answer has {@code size} ACLs. */
  private JsonNode searchUntil(String query, int size) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 15_000;
    while (true) {
      Reply reply = calls.get(acls + "?" + query);
      assertEquals(200, reply.status(), reply.body());
      JsonNode list = reply.json();
      if (list.get("data").size() == size || System.currentTimeMillis() > deadline) {
        assertEquals(size, list.get("data").size(), reply.body());
        return list;
      }
      Thread.sleep(100);
    }
  }

  private static List<String> principals(JsonNode data) {
    List<String> out = new ArrayList<>();
    data.forEach(a -> out.add(a.get("principal").asText()));
    return out;
  }

  @Test
  void createSearchWithFiltersAndDelete() throws Exception {
    String topic = "topic-" + UUID.randomUUID();
    String alice = "User:alice-" + UUID.randomUUID();
    String bob = "User:bob-" + UUID.randomUUID();
    Reply created = calls.post(acls, JSON, acl("TOPIC", topic, "LITERAL", alice, "*", "READ", "ALLOW"));
    assertEquals(201, created.status(), created.body());
    assertEquals("", created.body());
    assertEquals(201, calls.post(acls, JSON, acl("topic", "topic-", "prefixed", bob, "1.2.3.4", "write", "allow"))
        .status());

    String bobQuery = "principal=" + bob; // DirectCalls passes query values as they are, undecoded
    JsonNode search = searchUntil("resource_type=topic&resource_name=" + topic + "&pattern_type=match", 2);
    assertEquals("KafkaAclList", search.get("kind").asText());
    assertEquals(url("resource_type=TOPIC&resource_name=" + topic + "&pattern_type=MATCH&principal=&host="
        + "&operation=ANY&permission=ANY"), search.get("metadata").get("self").asText());
    // sorted by resource name first: the prefix "topic-" before the longer literal name
    assertEquals(List.of(bob, alice), principals(search.get("data")));
    JsonNode aliceAcl = search.get("data").get(1);
    String aliceUrl = url("resource_type=TOPIC&resource_name=" + topic + "&pattern_type=LITERAL&principal="
        + alice.replace(":", "%3A") + "&host=*&operation=READ&permission=ALLOW");
    assertEquals("KafkaAcl", aliceAcl.get("kind").asText());
    assertEquals(aliceUrl, aliceAcl.get("metadata").get("self").asText());
    assertTrue(aliceAcl.get("metadata").get("resource_name") == null);
    assertEquals(clusterId, aliceAcl.get("cluster_id").asText());
    assertEquals("TOPIC", aliceAcl.get("resource_type").asText());
    assertEquals(topic, aliceAcl.get("resource_name").asText());
    assertEquals("LITERAL", aliceAcl.get("pattern_type").asText());
    assertEquals("*", aliceAcl.get("host").asText());
    assertEquals("READ", aliceAcl.get("operation").asText());
    assertEquals("ALLOW", aliceAcl.get("permission").asText());

    // each filter narrows the answer
    assertEquals(List.of(bob), principals(searchUntil(bobQuery, 1).get("data")));
    assertEquals(List.of(bob), principals(searchUntil("resource_type=TOPIC&resource_name=" + topic
        + "&pattern_type=MATCH&host=1.2.3.4", 1).get("data")));
    assertEquals(List.of(alice), principals(searchUntil("resource_type=TOPIC&resource_name=" + topic
        + "&pattern_type=MATCH&operation=READ&permission=ALLOW", 1).get("data")));
    assertEquals(0, searchUntil(bobQuery + "&permission=DENY", 0).get("data").size());
    assertEquals(0, searchUntil(bobQuery + "&resource_type=GROUP", 0).get("data").size());

    // the self link works as the filter that deletes exactly this ACL
    Reply deleted = calls.call("DELETE", URLDecoder.decode(aliceUrl.substring("http://proxy.test/kafka".length()),
        StandardCharsets.UTF_8), null, null);
    assertEquals(200, deleted.status(), deleted.body());
    JsonNode answer = deleted.json();
    assertEquals(1, answer.size()); // {"data": [...]} only, as upstream
    assertEquals(aliceAcl, answer.get("data").get(0));
    searchUntil("resource_type=TOPIC&resource_name=" + topic + "&pattern_type=MATCH", 1);

    Reply deletedBob = calls.call("DELETE", acls + "?resource_type=TOPIC&" + bobQuery, null, null);
    assertEquals(List.of(bob), principals(deletedBob.json().get("data")));
  }

  @Test
  void batchCreatesEveryAclAndAnswers204() throws Exception {
    String principal = "User:batch-" + UUID.randomUUID();
    String body = "{\"data\":[" + acl("GROUP", "g1", "LITERAL", principal, "*", "READ", "ALLOW") + ","
        + acl("CLUSTER", "kafka-cluster", "LITERAL", principal, "*", "DESCRIBE", "DENY") + "]}";
    Reply reply = calls.post(acls + ":batch", JSON, body);
    assertEquals(204, reply.status(), reply.body());
    JsonNode found = searchUntil("principal=" + principal, 2);
    assertEquals("GROUP", found.get("data").get(0).get("resource_type").asText()); // upstream's enum order
    assertEquals("CLUSTER", found.get("data").get(1).get("resource_type").asText());
    assertEquals(204, calls.post(acls + ":batch", JSON, "{\"data\":[]}").status());
    assertEquals(2, calls.call("DELETE", acls + "?resource_type=ANY&principal=" + principal,
        null, null).json().get("data").size());
  }

  @Test
  void badInputIsAClear4xx() {
    assertError(calls.post(acls, JSON, acl("TEAPOT", "t", "LITERAL", "User:x", "*", "READ", "ALLOW")), 400, 400,
        "Cannot deserialize value of type `Acl$ResourceType` from String \"TEAPOT\"");
    assertError(calls.post(acls, JSON, acl("TOPIC", "t", "MATCH", "User:x", "*", "READ", "ALLOW")), 400, 400,
        "pattern_type cannot be MATCH");
    assertError(calls.post(acls, JSON, acl("TOPIC", "t", "LITERAL", "User:x", "*", "ANY", "ALLOW")), 400, 400,
        "operation cannot be ANY");
    assertError(calls.post(acls, JSON, acl("TOPIC", "t", "LITERAL", "User:x", "*", "READ", "maybe")), 400, 400,
        "Cannot deserialize value of type `Acl$Permission`");
    assertError(calls.post(acls, JSON, acl("CLUSTER", "other", "LITERAL", "User:x", "*", "ALTER", "ALLOW")), 400,
        40002, "The only valid name for the CLUSTER resource is kafka-cluster");
    assertError(calls.post(acls, JSON, "{\"resource_type\":\"TOPIC\"}"), 400, 400, "Missing required properties");
    assertError(calls.post(acls + ":batch", JSON, "{\"data\":[{\"resource_type\":\"TOPIC\"}]}"), 400, 400,
        "Missing required properties");
    assertError(calls.post(acls, JSON, "{\"color\":\"red\"}"), 422, 422, "Unrecognized field: color");
    assertError(calls.post(acls, JSON, ""), 422, 42206, "Payload error.");
    assertError(calls.post(acls + ":batch", JSON, ""), 422, 42206, "Payload error.");
    assertError(calls.post(acls + ":batch", JSON, "{}"), 422, 42206, "Payload error.");
    // a query value Kafka-REST cannot convert: JAX-RS (and so upstream) answers 404
    assertError(calls.get(acls + "?resource_type=teapot"), 404, 404, "Invalid resource_type teapot");
    assertError(calls.call("DELETE", acls + "?resource_type=teapot", null, null), 404, 404, "Invalid resource_type");
    assertError(calls.get(acls + "?operation=UNKNOWN"), 400, 400, "operation cannot be ANY");
    // a DELETE without a resource type would delete every ACL: refused, as upstream
    assertError(calls.call("DELETE", acls, null, null), 400, 400, "resource_type cannot be unspecified or UNKNOWN");
    assertEquals(404, calls.get("/v3/clusters/not-this-one/acls").status());
    assertEquals(404, calls.post("/v3/clusters/not-this-one/acls", JSON,
        acl("TOPIC", "t", "LITERAL", "User:x", "*", "READ", "ALLOW")).status());
  }

  private static void assertError(Reply reply, int status, int errorCode, String messageStart) {
    assertEquals(status, reply.status(), reply.body());
    assertEquals(JSON, reply.contentType());
    assertEquals(errorCode, reply.json().get("error_code").asInt(), reply.body());
    assertTrue(reply.json().get("message").asText().startsWith(messageStart), reply.body());
  }

  @Test
  void theAccessPolicyGuardsEachOperation() throws Exception {
    try (KafkaRest guarded = KafkaRest.builder(
            KafkaRestConfig.builder().bootstrapServers(kafka.bootstrapServers()).build())
        .accessPolicy((principal, operation, resource) -> operation == Operation.DESCRIBE)
        .build();
         Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      DirectCalls guardedCalls = new DirectCalls(guarded);
      String principal = "User:guarded-" + UUID.randomUUID();
      Reply create = guardedCalls.post(acls, JSON, acl("TOPIC", "t", "LITERAL", principal, "*", "READ", "ALLOW"));
      assertEquals(403, create.status());
      assertEquals(40301, create.json().get("error_code").asInt());
      assertEquals(403, guardedCalls.post(acls + ":batch", JSON, "{\"data\":[]}").status());
      assertEquals(403, guardedCalls.call("DELETE", acls + "?resource_type=ANY", null, null).status());
      assertEquals(200, guardedCalls.get(acls).status());
      Thread.sleep(300);
      assertEquals(0, admin.describeAcls(AclBindingFilter.ANY).values().get().stream()
          .filter(b -> b.entry().principal().equals(principal)).count());
    }
  }

  @Test
  void aBrokerWithoutAnAuthorizerAnswers40002() {
    try (KafkaRest plain = KafkaRest.create(
        KafkaRestConfig.builder().bootstrapServers(SharedKafka.bootstrapServers()).build())) {
      DirectCalls plainCalls = new DirectCalls(plain);
      String sharedAcls = "/v3/clusters/" + plainCalls.get("/v3/clusters").json().get("data").get(0)
          .get("cluster_id").asText() + "/acls";
      Reply reply = plainCalls.get(sharedAcls);
      assertEquals(400, reply.status(), reply.body());
      assertEquals(40002, reply.json().get("error_code").asInt()); // SecurityDisabledException, as upstream maps it
    }
  }
}
