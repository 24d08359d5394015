package dev.kafkarest.idempotency;

import static dev.kafkarest.idempotency.KeyedCalls.V2_JSON;
import static dev.kafkarest.idempotency.KeyedCalls.call;
import static dev.kafkarest.idempotency.KeyedCalls.records;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kafkarest.KafkaRest;
import dev.kafkarest.KafkaRestConfig;
import dev.kafkarest.idempotency.KeyedCalls.Answer;
import dev.kafkarest.testing.EmbeddedKafka;
import dev.kafkarest.testing.Topics;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A broker with an authorizer: a proxy whose principal may write the data topic but lacks the marker topic's or the
 * transactional ids' ACLs answers keyed requests 403 with what is missing, keeps serving unkeyed ones, and serves
 * keyed ones as soon as the ACLs are there.
 */
class KeyedProduceAclTest {
  private static final String MARKERS = "_kafka_rest_idempotency_acl";
  private static final String PREFIX = "kafka-rest-acl-test";
  private static EmbeddedKafka broker;
  private static String topic;

  @BeforeAll
  static void start() throws Exception {
    broker = new EmbeddedKafka(Map.of(
        "authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer",
        // ANONYMOUS: the PLAINTEXT and controller listeners, used by the broker itself and by this test's admin
        "super.users", "User:ANONYMOUS",
        "sasl.enabled.mechanisms", "PLAIN",
        "listener.name.sasl_plaintext.plain.sasl.jaas.config",
        "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"admin\" "
            + "password=\"admin-secret\" user_admin=\"admin-secret\" user_alice=\"alice-secret\";"),
        List.of("SASL_PLAINTEXT"));
    topic = Topics.create(broker.bootstrapServers(), 1);
    allow(ResourceType.TOPIC, topic, PatternType.LITERAL);
  }

  @AfterAll
  static void stop() throws Exception {
    if (broker != null) {
      broker.close();
    }
  }

  private static void allow(ResourceType type, String name, PatternType pattern) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
      admin.createAcls(List.of(new AclBinding(new ResourcePattern(type, name, pattern),
          new AccessControlEntry("User:alice", "*", AclOperation.ALL, AclPermissionType.ALLOW))))
          .all().get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void missingAclsAreNamedAndUnkeyedRequestsStillWork() throws Exception {
    KafkaRestConfig config = KafkaRestConfig.builder().bootstrapServers(broker.bootstrapServers("SASL_PLAINTEXT"))
        .set("client.security.protocol", "SASL_PLAINTEXT")
        .set("client.sasl.mechanism", "PLAIN")
        .set("client.sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required "
            + "username=\"alice\" password=\"alice-secret\";")
        .set(KafkaRestConfig.IDEMPOTENCY_TOPIC, MARKERS)
        .set(KafkaRestConfig.IDEMPOTENCY_TRANSACTIONAL_ID_PREFIX, PREFIX)
        .set(KafkaRestConfig.IDEMPOTENCY_REQUEST_TIMEOUT_MS, "10000")
        .build();
    try (KafkaRest rest = KafkaRest.create(config)) {
      Supplier<Answer> keyed = () -> call(rest, "/topics/" + topic, V2_JSON, records("keyed"), null,
          "Idempotency-Key", "acl-1");
      Answer noTopic = keyed.get();
      assertEquals(403, noTopic.status(), noTopic.text());
      assertTrue(noTopic.text().contains(MARKERS), noTopic.text());
      assertUnkeyedWorks(rest);

      allow(ResourceType.TOPIC, MARKERS, PatternType.LITERAL);
      Answer noTransactionalId = awaitNot(keyed, noTopic.text());
      assertEquals(403, noTransactionalId.status(), noTransactionalId.text());
      assertTrue(noTransactionalId.text().contains("TRANSACTIONAL_ID") && noTransactionalId.text().contains(PREFIX),
          noTransactionalId.text());
      assertUnkeyedWorks(rest);

      allow(ResourceType.TRANSACTIONAL_ID, PREFIX, PatternType.PREFIXED);
      Answer ok = awaitNot(keyed, noTransactionalId.text());
      assertEquals(200, ok.status(), ok.text());
      assertTrue(keyed.get().replayed());
    }
  }

  private static void assertUnkeyedWorks(KafkaRest rest) {
    Answer plain = call(rest, "/topics/" + topic, V2_JSON, records("plain"), null);
    assertEquals(200, plain.status(), plain.text());
    assertTrue(plain.text().contains("\"error_code\":null"), plain.text());
  }

  /** ACLs reach the broker's authorizer a moment after they are made: ask until the answer changes. */
  private static Answer awaitNot(Supplier<Answer> call, String previous) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      Answer a = call.get();
      if (!a.text().equals(previous) || System.nanoTime() > deadline) {
        return a;
      }
      Thread.sleep(200);
    }
  }
}
