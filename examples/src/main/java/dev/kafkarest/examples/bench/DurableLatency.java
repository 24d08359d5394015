package dev.kafkarest.examples.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kafkarest.KafkaRest;
import dev.kafkarest.KafkaRestConfig;
import dev.kafkarest.http.Headers;
import dev.kafkarest.http.Json;
import dev.kafkarest.http.RestRequest;
import dev.kafkarest.http.RestResponse;
import dev.kafkarest.testing.EmbeddedKafka;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * What durable consumer instances cost, measured in-process (calls through {@link KafkaRest#handle}, no HTTP) on
 * one embedded broker: the latency of a sticky records read with durable instances off and on (auto-commit, which
 * in durable mode commits asynchronously right after each answer, and manual commit), and of a read that lands on
 * a node that does not hold the instance (a takeover), with the reads alternating between two nodes.
 *
 * <pre>
 * mvn -B -q -pl examples -am package -DskipTests
 * java -cp examples/target/kafka-rest-examples.jar dev.kafkarest.examples.bench.DurableLatency [reads]
 * </pre>
 */
public final class DurableLatency {
  private static final String V2 = "application/vnd.kafka.v2+json";
  private static final String BINARY_V2 = "application/vnd.kafka.binary.v2+json";

  private DurableLatency() {}

  public static void main(String[] args) throws Exception {
    int reads = args.length > 0 ? Integer.parseInt(args[0]) : 400;
    try (EmbeddedKafka kafka = new EmbeddedKafka()) {
      String bootstrap = kafka.bootstrapServers();
      String topic = "durable-bench";
      int records = reads * 10 * 6 + 1000;
      FilledTopic.create(bootstrap, topic, records, 100);
      System.out.printf(Locale.ROOT, "%d reads per scenario, each of about 10 records of 100 bytes%n", reads);
      sticky(bootstrap, topic, false, true, reads); // warm-up of this JVM: the first scenario would pay for it
      report("sticky read, durable off, auto-commit", sticky(bootstrap, topic, false, true, reads));
      report("sticky read, durable off, manual commit", sticky(bootstrap, topic, false, false, reads));
      report("sticky read, durable on, auto-commit", sticky(bootstrap, topic, true, true, reads));
      report("sticky read, durable on, manual commit", sticky(bootstrap, topic, true, false, reads));
      report("read on the other node (takeover)", alternating(bootstrap, topic, Math.min(reads, 100)));
    }
  }

  private static KafkaRest node(String bootstrap, boolean durable, String stateTopic, String name) {
    KafkaRestConfig.Builder config = KafkaRestConfig.builder().bootstrapServers(bootstrap)
        .consumerRequestTimeoutMs(5000);
    if (durable) {
      config.set(KafkaRestConfig.CONSUMER_DURABLE, "true").set(KafkaRestConfig.CONSUMER_STATE_TOPIC, stateTopic)
          .set(KafkaRestConfig.CONSUMER_NODE_ID, name);
    }
    return KafkaRest.create(config.build());
  }

  private static double[] sticky(String bootstrap, String topic, boolean durable, boolean autoCommit, int reads)
      throws Exception {
    String state = "_bench-state-" + UUID.randomUUID();
    try (KafkaRest rest = node(bootstrap, durable, state, "a")) {
      String base = createAndSubscribe(rest, topic, autoCommit);
      for (int i = 0; i < 50; i++) {
        read(rest, base); // warm-up: join, first fetches
      }
      return timedReads(List.of(rest), base, reads);
    }
  }

  private static double[] alternating(String bootstrap, String topic, int reads) throws Exception {
    String state = "_bench-state-" + UUID.randomUUID();
    try (KafkaRest a = node(bootstrap, true, state, "a"); KafkaRest b = node(bootstrap, true, state, "b")) {
      String base = createAndSubscribe(a, topic, true);
      for (int i = 0; i < 10; i++) {
        read(i % 2 == 0 ? a : b, base);
      }
      return timedReads(List.of(a, b), base, reads);
    }
  }

  private static String createAndSubscribe(KafkaRest rest, String topic, boolean autoCommit) throws Exception {
    String group = "bench-" + UUID.randomUUID();
    call(rest, "POST", "/consumers/" + group, V2, "{\"name\":\"c\",\"format\":\"binary\","
        + "\"auto.offset.reset\":\"earliest\",\"auto.commit.enable\":\"" + autoCommit + "\"}");
    String base = "/consumers/" + group + "/instances/c";
    call(rest, "POST", base + "/subscription", V2, "{\"topics\":[\"" + topic + "\"]}");
    return base;
  }

  /** Each read's latency in ms, every read asking for about 10 records; nodes take turns. */
  private static double[] timedReads(List<KafkaRest> nodes, String base, int reads) throws Exception {
    double[] ms = new double[reads];
    for (int i = 0; i < reads; i++) {
      long start = System.nanoTime();
      int got = read(nodes.get(i % nodes.size()), base);
      ms[i] = (System.nanoTime() - start) / 1e6;
      if (got == 0) {
        throw new IllegalStateException("a read returned no record");
      }
    }
    return ms;
  }

  private static int read(KafkaRest rest, String base) throws Exception {
    RestResponse r = call(rest, "GET", base + "/records?timeout=5000&max_bytes=1000", null, null, "Accept",
        BINARY_V2);
    if (r.status() != 200) {
      throw new IllegalStateException("read answered " + r.status() + " " + r.bodyAsString());
    }
    JsonNode records = Json.MAPPER.readTree(r.bodyAsString());
    return records.size();
  }

  private static RestResponse call(KafkaRest rest, String method, String path, String contentType, String body,
                                   String... headers) throws Exception {
    List<String> h = new ArrayList<>(List.of(headers));
    RestRequest.Builder b = RestRequest.builder(method, path.contains("?") ? path.substring(0, path.indexOf('?'))
        : path).baseUri(URI.create("http://bench/kafka"));
    if (path.contains("?")) {
      Map<String, List<String>> query = new java.util.HashMap<>();
      for (String pair : path.substring(path.indexOf('?') + 1).split("&")) {
        String[] kv = pair.split("=", 2);
        query.put(kv[0], List.of(kv[1]));
      }
      b.query(query);
    }
    if (body != null) {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      h.addAll(List.of("Content-Type", contentType, "Content-Length", Integer.toString(bytes.length)));
      b.body(new ByteArrayInputStream(bytes));
    }
    b.headers(Headers.of(h.toArray(String[]::new)));
    RestResponse r = rest.handle(b.build()).toCompletableFuture().get(30, TimeUnit.SECONDS);
    if (r.status() >= 300 && !"GET".equals(method)) {
      throw new IllegalStateException(method + " " + path + " answered " + r.status() + " " + r.bodyAsString());
    }
    return r;
  }

  private static void report(String scenario, double[] ms) {
    double[] sorted = ms.clone();
    Arrays.sort(sorted);
    System.out.printf(Locale.ROOT, "%-42s p50 %7.2f ms  p90 %7.2f ms  p99 %7.2f ms  mean %7.2f ms%n", scenario,
        pct(sorted, 50), pct(sorted, 90), pct(sorted, 99), Arrays.stream(ms).average().orElse(0));
  }

  private static double pct(double[] sorted, int p) {
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
  }
}
