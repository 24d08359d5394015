package dev.kafkarest.servlet.jetty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kafkarest.KafkaRest;
import dev.kafkarest.KafkaRestConfig;
import dev.kafkarest.servlet.KafkaRestServlet;
import dev.kafkarest.servlet.jetty.RoundRobinNodes.Answer;
import dev.kafkarest.servlet.jetty.RoundRobinNodes.Node;
import dev.kafkarest.testing.SharedKafka;
import dev.kafkarest.testing.Topics;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A durable-mode node that dies for real: three proxy nodes behind their own Jetty on one broker, two in this JVM
 * and one in a JVM of its own, and a client that sends every call to the next node. Mid-read, right after the child
 * node answered a read (it holds the instance; what it returned may not be committed yet), the test kills it with
 * SIGKILL: no commit, no leave-group, its port refuses connections. The client skips it as a load balancer would and
 * reads on; then a new child JVM with the same node id starts, as a restart would, joins the rotation, and the read
 * goes on to the last record. No 404, no error but the documented "try again" 503, every record read, and a record
 * twice only if it was returned after the last commit that landed ({@link CommittedReadLedger}).
 *
 * <p>Every node runs its consumers with {@code session.timeout.ms} = 120 s: if the take-over had to wait for the dead
 * member's session to expire instead of replacing it as the same static member, the read would stall for two
 * minutes, well past the generous bound asserted here.
 */
@ExtendWith(SharedKafka.class)
class JettyDurableNodeKillTest {
  private static final String V2 = "application/vnd.kafka.v2+json";
  private static final String JSON_V2 = "application/vnd.kafka.json.v2+json";
  private static final int RECORDS = 10_000;
  private static final long SESSION_TIMEOUT_MS = 120_000;
  /** About 280 records of about 11 bytes an answer: some 36 answers, so the kill lands mid-read. */
  private static final String READ = "/records?timeout=3000&max_bytes=3000";

  private long slowestRead;
  private String slowestWhere = "";

  @Test
  void aNodeKilledWithSigkillLosesNoInstanceAndNoRecordAndItsRestartServesOn() throws Exception {
    String bootstrap = SharedKafka.bootstrapServers();
    String stateTopic = "_state-kill-" + UUID.randomUUID();
    String group = "g-kill-" + UUID.randomUUID();
    String topic = Topics.create(bootstrap, 3);
    Map<String, String> settings = Map.of("consumer.session.timeout.ms", Long.toString(SESSION_TIMEOUT_MS),
        KafkaRestConfig.CONSUMER_REQUEST_TIMEOUT_MS, "5000");
    List<KafkaRest> inProcess = new ArrayList<>();
    List<JettyServer> servers = new ArrayList<>();
    List<DurableNodeProcess> children = new ArrayList<>();
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      CommittedReadLedger ledger = new CommittedReadLedger(admin, group, topic);
      RoundRobinNodes rr = new RoundRobinNodes(ledger::sending);
      for (String name : List.of("a", "b")) {
        KafkaRestConfig.Builder config = KafkaRestConfig.builder().bootstrapServers(bootstrap)
            .set(KafkaRestConfig.CONSUMER_DURABLE, "true").set(KafkaRestConfig.CONSUMER_STATE_TOPIC, stateTopic)
            .set(KafkaRestConfig.CONSUMER_NODE_ID, name);
        settings.forEach(config::set);
        KafkaRest rest = KafkaRest.create(config.build());
        inProcess.add(rest);
        JettyServer server = new JettyServer("", "/kafka/*", new KafkaRestServlet(rest));
        servers.add(server);
        rr.add(new Node(name, server.mount()));
      }
      DurableNodeProcess child = DurableNodeProcess.start(bootstrap, stateTopic, "c", settings);
      children.add(child);
      rr.add(new Node("c", child.mount()));

      String base = "/consumers/" + group + "/instances/c1";
      assertEquals(200, rr.call("POST", "/consumers/" + group, V2,
          "{\"name\":\"c1\",\"format\":\"json\",\"auto.offset.reset\":\"earliest\"}").reply().status());
      assertEquals(204, rr.call("POST", base + "/subscription", V2, "{\"topics\":[\"" + topic + "\"]}")
          .reply().status());
      Topics.produceNumbered(bootstrap, topic, RECORDS);
      long readStart = System.nanoTime();
      long deadline = readStart + TimeUnit.SECONDS.toNanos(180); // about 10 s here; generous for a loaded machine

      // Read round-robin until the child has just answered with records, a third of the way in: kill it at once.
      Answer last;
      do {
        last = read(rr, ledger, base);
        if (ledger.seen.size() >= RECORDS / 3 && last.node().name.equals("c") && carriesRecords(last)) {
          break;
        }
        ledger.observeCommits();
      } while (System.nanoTime() < deadline);
      assertTrue(ledger.seen.size() >= RECORDS / 3 && last.node().name.equals("c"), "the child answered mid-read");
      int answersBeforeKill = ledger.answers();
      int duplicatesBeforeKill = ledger.duplicates;
      long killedAt = System.nanoTime();
      int exit = child.kill();
      long killNanos = System.nanoTime() - killedAt;
      assertEquals(DurableNodeProcess.KILLED, exit, "the child ended by SIGKILL (128 + 9)");
      rr.node("c").down = true;
      ledger.observeCommits();

      // The next nodes take the instance over from the dead one; its address refuses connections and is skipped.
      Answer firstAfterKill = read(rr, ledger, base);
      long sinceKillToFirstRecords = -1;
      if (carriesRecords(firstAfterKill)) {
        sinceKillToFirstRecords = System.nanoTime() - killedAt;
      }
      while (ledger.seen.size() < RECORDS * 2 / 3 && System.nanoTime() < deadline) {
        ledger.observeCommits();
        Answer a = read(rr, ledger, base);
        if (sinceKillToFirstRecords < 0 && carriesRecords(a)) {
          sinceKillToFirstRecords = System.nanoTime() - killedAt;
        }
      }
      long whileDownNanos = System.nanoTime() - killedAt;
      int duplicatesAfterKill = ledger.duplicates - duplicatesBeforeKill;
      int skippedWhileDown = rr.skipped;

      // A restart: a new JVM with the same node id, nothing in memory, at a new address in the same rotation slot.
      long restartAt = System.nanoTime();
      DurableNodeProcess restarted = DurableNodeProcess.start(bootstrap, stateTopic, "c", settings);
      children.add(restarted);
      long restartNanos = System.nanoTime() - restartAt;
      rr.replace(new Node("c", restarted.mount()));
      int byRestarted = 0;
      long restartedAt = System.nanoTime();
      while (ledger.seen.size() < RECORDS && System.nanoTime() < deadline) {
        ledger.observeCommits();
        Answer a = read(rr, ledger, base);
        if (a.node().name.equals("c") && carriesRecords(a)) {
          byRestarted++;
        }
      }
      long afterRestartNanos = System.nanoTime() - restartedAt;
      ledger.observeCommits();
      assertEquals(200, rr.call("POST", base + "/offsets", V2, null).reply().status());
      assertEquals(204, rr.call("DELETE", base, null, null).reply().status());

      System.out.printf("SIGKILL test: %d answers with records, kill after answer %d (SIGKILL took %d ms), first"
              + " request after the kill (on %s, a take-over) %d ms, first records after the kill %d ms; %d connections"
              + " to the dead node skipped; child restart %d ms, %d answers from the restarted node; %d records read,"
              + " %d twice (%d after the kill, %d not from the latest answer of their partition); %d retried %s;"
              + " reading %d ms before the kill, %d ms while down, %d ms after the restart; slowest read %d ms (%s)%n",
          ledger.answers(), answersBeforeKill, ms(killNanos), firstAfterKill.node().name,
          ms(firstAfterKill.nanos()), sinceKillToFirstRecords < 0 ? -1 : ms(sinceKillToFirstRecords),
          skippedWhileDown, ms(restartNanos), byRestarted, ledger.seen.size(), ledger.duplicates, duplicatesAfterKill,
          ledger.repeatsFromOlderAnswers, rr.retried.size(), rr.retried, ms(killedAt - readStart),
          ms(whileDownNanos), ms(afterRestartNanos), ms(slowestRead), slowestWhere);

      String logs = "\nthe killed child's log:\n" + child.logTail() + "\nthe restarted child's log:\n"
          + restarted.logTail();
      assertEquals(List.of(), rr.failures, "every call answered on a live node" + logs);
      assertEquals(RECORDS, ledger.seen.size(), "records read" + logs);
      assertEquals(List.of(), ledger.beyondBound, ledger.duplicates + " records twice");
      assertEquals(List.of(), ledger.committedUnseen, "the group committed only what the client was given");
      assertTrue(sinceKillToFirstRecords >= 0 && sinceKillToFirstRecords < TimeUnit.SECONDS.toNanos(60),
          "records flowed again well before the dead member's session (" + SESSION_TIMEOUT_MS + " ms) ended: "
              + ms(sinceKillToFirstRecords) + " ms");
      assertTrue(byRestarted > 0, "the restarted node served reads");
    } finally {
      for (JettyServer s : servers) {
        s.close();
      }
      inProcess.forEach(KafkaRest::close);
      for (DurableNodeProcess c : children) {
        c.close();
      }
    }
  }

  private Answer read(RoundRobinNodes rr, CommittedReadLedger ledger, String base) {
    Answer answer = rr.call("GET", base + READ, null, null, "Accept", JSON_V2);
    if (answer.nanos() > slowestRead) {
      slowestRead = answer.nanos();
      slowestWhere = "on " + answer.node().name + " after " + ledger.answers() + " answers with records";
    }
    if (answer.reply().status() == 200) {
      ledger.took(answer.node().name, answer.reply().json());
    }
    return answer;
  }

  private static boolean carriesRecords(Answer answer) {
    return answer.reply().status() == 200 && !answer.reply().json().isEmpty();
  }

  private static long ms(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(nanos);
  }
}
