package dev.kafkarest.servlet.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kafkarest.KafkaRest;
import dev.kafkarest.KafkaRestConfig;
import dev.kafkarest.servlet.KafkaRestServlet;
import dev.kafkarest.testing.HttpCalls;
import dev.kafkarest.testing.HttpCalls.Reply;
import dev.kafkarest.testing.SharedKafka;
import dev.kafkarest.testing.Topics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Durable consumer instances over real HTTP: three proxy nodes, each its own {@code KafkaRest} behind its own
 * Jetty, one broker, and a client that sends every call to the next node. Create on one node, subscribe on the
 * next, read 10 000 records across all three, commit and delete on others: no 404, nothing lost, and a record
 * twice only within the documented bound (it was in the last answer a node gave before the instance moved on).
 */
@ExtendWith(SharedKafka.class)
class JettyDurableNodesTest {
  private static final String V2 = "application/vnd.kafka.v2+json";
  private static final String JSON_V2 = "application/vnd.kafka.json.v2+json";
  private static final int RECORDS = 10_000;

  @Test
  void everyCallOnTheNextNodeReadsEveryRecordWithinTheDuplicateBound() throws Exception {
    String stateTopic = "_state-http-" + UUID.randomUUID();
    String group = "g-http-" + UUID.randomUUID();
    String topic = Topics.create(SharedKafka.bootstrapServers(), 3);
    List<KafkaRest> nodes = new ArrayList<>();
    List<JettyServer> servers = new ArrayList<>();
    try {
      for (String name : List.of("a", "b", "c")) {
        KafkaRest rest = KafkaRest.create(KafkaRestConfig.builder().bootstrapServers(SharedKafka.bootstrapServers())
            .set(KafkaRestConfig.CONSUMER_DURABLE, "true").set(KafkaRestConfig.CONSUMER_STATE_TOPIC, stateTopic)
            .set(KafkaRestConfig.CONSUMER_NODE_ID, name).consumerRequestTimeoutMs(5000).build());
        nodes.add(rest);
        servers.add(new JettyServer("", "/kafka/*", new KafkaRestServlet(rest)));
      }
      List<HttpCalls> calls = servers.stream().map(s -> new HttpCalls(s.mount())).toList();
      List<String> failures = new ArrayList<>();
      int[] next = {0};
      int[] lastNode = {0};
      RoundRobin rr = (method, path, type, body, headers) -> {
        lastNode[0] = next[0]++ % calls.size();
        HttpCalls node = calls.get(lastNode[0]);
        Reply reply = switch (method) {
          case "GET" -> node.get(path, headers);
          case "DELETE" -> node.delete(path, headers);
          default -> node.post(path, type, body == null ? "" : body, headers);
        };
        if (reply.status() >= 300) {
          failures.add(method + " " + path + " on " + node.mount() + ": " + reply);
        }
        return reply;
      };
      String base = "/consumers/" + group + "/instances/c1";
      Reply created = rr.call("POST", "/consumers/" + group, V2,
          "{\"name\":\"c1\",\"format\":\"json\",\"auto.offset.reset\":\"earliest\"}");
      assertEquals(servers.get(0).mount() + base, created.json().get("base_uri").asText(),
          "the URL names the instance under the mount it was created through");
      rr.call("POST", base + "/subscription", V2, "{\"topics\":[\"" + topic + "\"]}");
      Topics.produceNumbered(SharedKafka.bootstrapServers(), topic, RECORDS);

      Set<String> seen = new HashSet<>();
      List<Integer> answeredBy = new ArrayList<>(); // the node of every answer that carried records
      Map<String, Integer> firstIn = new HashMap<>(); // the answer that first returned each record
      int duplicates = 0;
      List<String> beyondBound = new ArrayList<>();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
      while (seen.size() < RECORDS && System.nanoTime() < deadline) {
        Reply read = rr.call("GET", base + "/records?timeout=3000", null, null, "Accept", JSON_V2);
        if (read.status() == 200 && !read.json().isEmpty()) {
          int answer = answeredBy.size();
          answeredBy.add(lastNode[0]);
          for (JsonNode r : read.json()) {
            String key = r.get("partition").asInt() + ":" + r.get("offset").asLong();
            if (seen.add(key)) {
              firstIn.put(key, answer);
              continue;
            }
            duplicates++;
            int first = firstIn.get(key);
            // The bound: only another node repeats a record, and only one of a node's last answer before the move.
            if (answeredBy.get(first).equals(lastNode[0])
                || answeredBy.get(first + 1).equals(answeredBy.get(first))) {
              beyondBound.add(key + " first in answer " + first + ", again in answer " + answer);
            }
          }
        }
      }
      rr.call("POST", base + "/offsets", V2, null);
      rr.call("DELETE", base, null, null);

      assertEquals(List.of(), failures, "every call answered on whichever node it reached");
      assertEquals(RECORDS, seen.size(), "records read");
      assertEquals(List.of(), beyondBound, duplicates + " records twice (auto-commit commits right after each answer)");
    } finally {
      for (JettyServer s : servers) {
        s.close();
      }
      nodes.forEach(KafkaRest::close);
    }
  }

  private interface RoundRobin {
    Reply call(String method, String path, String contentType, String body, String... headers);
  }
}
