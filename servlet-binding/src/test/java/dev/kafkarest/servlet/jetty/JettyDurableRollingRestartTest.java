package dev.kafkarest.servlet.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kafkarest.KafkaRest;
import dev.kafkarest.KafkaRestConfig;
import dev.kafkarest.metrics.ProxyMetrics;
import dev.kafkarest.servlet.jetty.RoundRobinNodes.Answer;
import dev.kafkarest.testing.SharedKafka;
import dev.kafkarest.testing.Topics;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A rolling restart with forwarding ({@code consumer.instances.node.url}) over real HTTP: three proxy nodes, each its
 * own {@code KafkaRest} behind its own Jetty, one broker, and a client that sends every call to the next node. Each
 * node in turn is restarted under the reading client, as a deploy would: its Jetty stops (its port refuses
 * connections, the client skips it as a load balancer would), its proxy closes (committing what it returned), and
 * a new proxy with a new node id (the default: new at each start) comes up behind a new Jetty on the same address.
 * The second restart closes the proxy first and keeps its Jetty answering (503 to everything) while the others read
 * on, as a host that closes the proxy before its server. No 404, no error but the documented "try again" 503, every record read, and a
 * record twice only if it was returned after the last commit that landed ({@link CommittedReadLedger}).
 */
@ExtendWith(SharedKafka.class)
class JettyDurableRollingRestartTest {
  private static final String V2 = "application/vnd.kafka.v2+json";
  private static final String JSON_V2 = "application/vnd.kafka.json.v2+json";
  private static final int RECORDS = 6000;
  /** About 280 records of about 11 bytes an answer: some 20 answers, several before and after each restart. */
  private static final String READ = "/records?timeout=3000&max_bytes=3000";

  /** One node: a Jetty on a fixed address once it is known, and the proxy behind it. */
  private static final class ProxyNode {
    final String stateTopic;
    final AtomicInteger forwarded;
    Server server;
    KafkaRest rest;
    int port;

    ProxyNode(String stateTopic, AtomicInteger forwarded) {
      this.stateTopic = stateTopic;
      this.forwarded = forwarded;
    }

    /** Starts a Jetty (on the node's address, after the first start) and a new proxy behind it. */
    URI start() throws Exception {
      server = new Server();
      ServerConnector connector = new ServerConnector(server, 1, 1);
      connector.setHost("127.0.0.1");
      connector.setPort(port);
      server.addConnector(connector);
      LateServlet late = new LateServlet();
      ServletContextHandler context = late.context();
      server.setHandler(context);
      server.start();
      port = connector.getLocalPort();
      URI mount = URI.create("http://127.0.0.1:" + port + "/kafka");
      rest = KafkaRest.builder(KafkaRestConfig.builder().bootstrapServers(SharedKafka.bootstrapServers())
          .set(KafkaRestConfig.CONSUMER_DURABLE, "true").set(KafkaRestConfig.CONSUMER_STATE_TOPIC, stateTopic)
          .set(KafkaRestConfig.CONSUMER_NODE_URL, mount.toString())
          .consumerRequestTimeoutMs(5000).build())
          .metrics(new ProxyMetrics() {
            @Override
            public void consumerForward(String outcome) {
              if (outcome.equals("forwarded")) {
                forwarded.incrementAndGet();
              }
            }
          }).build();
      late.serve(rest);
      return mount;
    }

    /** Stops the Jetty, then closes the proxy (a host's shutdown). */
    void stop() throws Exception {
      server.stop();
      rest.close();
    }
  }

  @Test
  void aRollingRestartOfEveryNodeUnderARoundRobinConsumerLosesNothing() throws Exception {
    String bootstrap = SharedKafka.bootstrapServers();
    String stateTopic = "_state-rolling-" + UUID.randomUUID();
    String group = "g-rolling-" + UUID.randomUUID();
    String topic = Topics.create(bootstrap, 3);
    AtomicInteger forwarded = new AtomicInteger();
    List<ProxyNode> nodes = new ArrayList<>();
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      CommittedReadLedger ledger = new CommittedReadLedger(admin, group, topic);
      RoundRobinNodes rr = new RoundRobinNodes(ledger::sending);
      for (String name : List.of("a", "b", "c")) {
        ProxyNode node = new ProxyNode(stateTopic, forwarded);
        nodes.add(node);
        rr.add(new RoundRobinNodes.Node(name, node.start()));
      }
      String base = "/consumers/" + group + "/instances/c1";
      assertEquals(200, rr.call("POST", "/consumers/" + group, V2,
          "{\"name\":\"c1\",\"format\":\"json\",\"auto.offset.reset\":\"earliest\"}").reply().status());
      assertEquals(204, rr.call("POST", base + "/subscription", V2, "{\"topics\":[\"" + topic + "\"]}")
          .reply().status());
      Topics.produceNumbered(bootstrap, topic, RECORDS);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180); // seconds here; generous for a loaded host

      int answersAtRestart = 0;
      for (int i = 0; i < nodes.size(); i++) {
        readUntil(rr, ledger, base, RECORDS * (i + 1) / 4, deadline);
        String name = List.of("a", "b", "c").get(i);
        assertTrue(ledger.answers() > answersAtRestart, "answers before restarting " + name);
        answersAtRestart = ledger.answers();
        rr.node(name).down = true;
        ProxyNode restarting = nodes.get(i);
        boolean proxyFirst = i % 2 == 1;
        if (proxyFirst) {
          restarting.rest.close(); // its Jetty answers 503 to everything meanwhile, forwarded calls included
        } else {
          restarting.stop();
        }
        readUntil(rr, ledger, base, ledger.seen.size() + 900, deadline); // the others read on while it is down
        if (proxyFirst) {
          restarting.server.stop();
        }
        URI mount = restarting.start();
        rr.replace(new RoundRobinNodes.Node(name, mount));
      }
      readUntil(rr, ledger, base, RECORDS, deadline);
      ledger.observeCommits();
      assertEquals(200, rr.call("POST", base + "/offsets", V2, null).reply().status());
      assertEquals(204, rr.call("DELETE", base, null, null).reply().status());

      System.out.printf("Rolling restart with forwarding: %d answers with records, %d records read, %d twice, %d calls"
              + " forwarded, %d connections to a stopped node skipped, %d retried %s%n", ledger.answers(),
          ledger.seen.size(), ledger.duplicates, forwarded.get(), rr.skipped, rr.retried.size(), rr.retried);
      assertEquals(List.of(), rr.failures, "every call answered on a live node");
      assertEquals(RECORDS, ledger.seen.size(), "records read");
      assertEquals(List.of(), ledger.beyondBound, ledger.duplicates + " records twice");
      assertEquals(List.of(), ledger.committedUnseen, "the group committed only what the client was given");
      assertTrue(forwarded.get() > 0, "calls were forwarded to the owner");
    } finally {
      for (ProxyNode n : nodes) {
        n.stop();
      }
    }
  }

  private static void readUntil(RoundRobinNodes rr, CommittedReadLedger ledger, String base, int target,
                                long deadline) throws Exception {
    while (ledger.seen.size() < Math.min(target, RECORDS) && System.nanoTime() < deadline) {
      ledger.observeCommits();
      Answer answer = rr.call("GET", base + READ, null, null, "Accept", JSON_V2);
      if (answer.reply().status() == 200) {
        ledger.took(answer.node().name, answer.reply().json());
      }
    }
  }
}
