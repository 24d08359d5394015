package dev.kafkarest.examples.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kafkarest.KafkaRest;
import dev.kafkarest.KafkaRestConfig;
import dev.kafkarest.http.Json;
import dev.kafkarest.servlet.KafkaRestServlet;
import dev.kafkarest.testing.EmbeddedKafka;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * How a node that does not hold a durable consumer instance should serve it, measured over real HTTP: three proxy
 * nodes, each its own {@code KafkaRest} behind its own Jetty on 127.0.0.1, one embedded broker, one client. Reads
 * of one instance either stay on one node (sticky) or go to the next node each time (round-robin), with
 * forwarding off (every read on a new node takes the instance over) and on ({@code consumer.instances.node.url}:
 * the read goes to the owner). For each: the latency of reads of about 10 records, and records/s of reads of up
 * to 64 KiB.
 *
 * <pre>
 * mvn -B -q -pl examples -am package -DskipTests
 * java -cp examples/target/kafka-rest-examples.jar dev.kafkarest.examples.bench.DurableRouting [reads]
 * </pre>
 */
public final class DurableRouting {
  private static final String V2 = "application/vnd.kafka.v2+json";
  private static final String BINARY_V2 = "application/vnd.kafka.binary.v2+json";
  private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  private DurableRouting() {}

  public static void main(String[] args) throws Exception {
    int reads = args.length > 0 ? Integer.parseInt(args[0]) : 300;
    int throughputRecords = 50_000;
    try (EmbeddedKafka kafka = new EmbeddedKafka()) {
      String bootstrap = kafka.bootstrapServers();
      String topic = "routing-bench";
      int records = reads * 10 + throughputRecords + 2000; // every scenario reads from the start
      FilledTopic.create(bootstrap, topic, records, 100);
      System.out.printf(Locale.ROOT, "%d reads of about 10 records of 100 bytes per scenario; then %d records in "
          + "reads of up to 64 KiB%n", reads, throughputRecords);
      run(bootstrap, topic, false, 1, reads, throughputRecords); // warm-up of this JVM
      // Two rounds, the two modes side by side in each: a later scenario runs on a warmer JVM.
      for (int round = 1; round <= 2; round++) {
        for (int spread : List.of(1, 3)) {
          for (boolean forwarding : round == 1 ? List.of(false, true) : List.of(true, false)) {
            Result r = run(bootstrap, topic, forwarding, spread, reads, throughputRecords);
            String name = (spread == 1 ? "sticky" : "round-robin") + ", "
                + (forwarding ? "forwarding" : "takeover only");
            report(name, r);
          }
        }
      }
    }
  }

  private record Result(double[] ms, double recordsPerSecond) {}

  /** One scenario on three new nodes sharing a new state topic; reads go to {@code spread} nodes in turn. */
  private static Result run(String bootstrap, String topic, boolean forwarding, int spread, int reads,
                            int throughputRecords) throws Exception {
    String state = "_bench-state-" + UUID.randomUUID();
    List<Node> nodes = new ArrayList<>();
    try {
      for (String name : List.of("a", "b", "c")) {
        nodes.add(new Node(bootstrap, state, name, forwarding));
      }
      List<String> mounts = nodes.stream().map(n -> n.mount).toList();
      String latency = createAndSubscribe(mounts.get(0), topic);
      for (int i = 0; i < 30; i++) {
        read(mounts.get(i % spread), latency, 1000); // warm-up: join, first fetches, connections
      }
      double[] ms = new double[reads];
      for (int i = 0; i < reads; i++) {
        long start = System.nanoTime();
        int got = read(mounts.get(i % spread), latency, 1000);
        ms[i] = (System.nanoTime() - start) / 1e6;
        if (got == 0) {
          throw new IllegalStateException("a read returned no record");
        }
      }
      String bulk = createAndSubscribe(mounts.get(0), topic);
      for (int i = 0; i < 3; i++) {
        read(mounts.get(i % spread), bulk, 65536);
      }
      int got = 0;
      long start = System.nanoTime();
      for (int i = 0; got < throughputRecords; i++) {
        got += read(mounts.get(i % spread), bulk, 65536);
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      return new Result(ms, got / seconds);
    } finally {
      for (Node n : nodes) {
        n.close();
      }
    }
  }

  private static String createAndSubscribe(String mount, String topic) throws Exception {
    String group = "bench-" + UUID.randomUUID();
    send(mount + "/consumers/" + group, "POST", "{\"name\":\"c\",\"format\":\"binary\","
        + "\"auto.offset.reset\":\"earliest\"}");
    String base = "/consumers/" + group + "/instances/c";
    send(mount + base + "/subscription", "POST", "{\"topics\":[\"" + topic + "\"]}");
    return base;
  }

  private static int read(String mount, String base, int maxBytes) throws Exception {
    HttpResponse<byte[]> r = CLIENT.send(HttpRequest.newBuilder(
            URI.create(mount + base + "/records?timeout=5000&max_bytes=" + maxBytes))
        .header("Accept", BINARY_V2).timeout(Duration.ofSeconds(30)).GET().build(),
        HttpResponse.BodyHandlers.ofByteArray());
    if (r.statusCode() != 200) {
      throw new IllegalStateException("read answered " + r.statusCode() + " " + new String(r.body()));
    }
    JsonNode records = Json.MAPPER.readTree(r.body());
    return records.size();
  }

  private static void send(String url, String method, String body) throws Exception {
    HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", V2)
        .timeout(Duration.ofSeconds(30)).method(method, HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() >= 300) {
      throw new IllegalStateException(method + " " + url + " answered " + r.statusCode() + " " + r.body());
    }
  }

  private static void report(String scenario, Result r) {
    double[] sorted = r.ms.clone();
    Arrays.sort(sorted);
    System.out.printf(Locale.ROOT, "%-30s p50 %7.2f ms  p90 %7.2f ms  p99 %7.2f ms  mean %7.2f ms  %8.0f records/s%n",
        scenario, pct(sorted, 50), pct(sorted, 90), pct(sorted, 99), Arrays.stream(r.ms).average().orElse(0),
        r.recordsPerSecond);
  }

  private static double pct(double[] sorted, int p) {
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
  }

  /** A proxy node: Jetty on 127.0.0.1 (started first, so the node knows its URL), then its proxy behind it. */
  private static final class Node implements AutoCloseable {
    final Server server = new Server();
    final KafkaRest rest;
    final String mount;

    Node(String bootstrap, String stateTopic, String name, boolean forwarding) throws Exception {
      ServerConnector connector = new ServerConnector(server, 1, 1);
      connector.setHost("127.0.0.1");
      connector.setPort(0);
      server.addConnector(connector);
      ServletContextHandler context = new ServletContextHandler("/");
      Late late = new Late();
      ServletHolder holder = new ServletHolder(late);
      holder.setAsyncSupported(true);
      context.addServlet(holder, "/kafka/*");
      server.setHandler(context);
      server.start();
      mount = "http://127.0.0.1:" + connector.getLocalPort() + "/kafka";
      KafkaRestConfig.Builder config = KafkaRestConfig.builder().bootstrapServers(bootstrap)
          .consumerRequestTimeoutMs(5000).set(KafkaRestConfig.CONSUMER_DURABLE, "true")
          .set(KafkaRestConfig.CONSUMER_STATE_TOPIC, stateTopic).set(KafkaRestConfig.CONSUMER_NODE_ID, name);
      if (forwarding) {
        config.set(KafkaRestConfig.CONSUMER_NODE_URL, mount);
      }
      rest = KafkaRest.create(config.build());
      late.target = new KafkaRestServlet(rest);
    }

    @Override
    public void close() throws Exception {
      server.stop();
      rest.close();
    }
  }

  /** The proxy's servlet, given once the proxy exists. */
  private static final class Late extends HttpServlet {
    volatile KafkaRestServlet target;

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws ServletException, IOException {
      target.service(req, resp);
    }
  }
}
