package dev.kafkarest.idempotency;

import dev.kafkarest.KafkaRest;
import dev.kafkarest.http.Headers;
import dev.kafkarest.http.RestRequest;
import dev.kafkarest.http.RestResponse;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Produce calls with an Idempotency-Key and a principal, and what a topic holds under each isolation level. */
final class KeyedCalls {
  static final String V2_JSON = "application/vnd.kafka.json.v2+json";

  /** A finished call: status, headers and the exact body bytes. */
  record Answer(int status, Map<String, List<String>> headers, byte[] body) {
    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }

    boolean replayed() {
      return headers.containsKey(StoredAnswer.REPLAYED_HEADER);
    }
  }

  private KeyedCalls() {}

  static CompletableFuture<Answer> send(KafkaRest rest, String path, String contentType, String body,
                                        String principal, String... headers) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    List<String> h = new ArrayList<>(List.of(headers));
    h.addAll(List.of("Content-Type", contentType, "Content-Length", Integer.toString(bytes.length)));
    RestRequest request = RestRequest.builder("POST", path)
        .headers(Headers.of(h.toArray(String[]::new)))
        .baseUri(URI.create("http://proxy.test/kafka"))
        .body(new ByteArrayInputStream(bytes))
        .principal(principal)
        .build();
    return rest.handle(request).toCompletableFuture().thenApply(KeyedCalls::answer);
  }

  static Answer call(KafkaRest rest, String path, String contentType, String body, String principal,
                     String... headers) {
    try {
      return send(rest, path, contentType, body, principal, headers).get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("no answer to POST " + path, e);
    }
  }

  static Answer v2(KafkaRest rest, String topic, String key, String values) {
    return call(rest, "/topics/" + topic, V2_JSON, records(values), null, "Idempotency-Key", key);
  }

  /** A v2 JSON body with one record per comma-separated value: {@code "a,b"}. */
  static String records(String values) {
    StringBuilder b = new StringBuilder("{\"records\":[");
    String[] parts = values.split(",");
    for (int i = 0; i < parts.length; i++) {
      b.append(i == 0 ? "" : ",").append("{\"value\":\"").append(parts[i]).append("\"}");
    }
    return b.append("]}").toString();
  }

  private static Answer answer(RestResponse response) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      response.body().writeTo(out);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return new Answer(response.status(), response.headers(), out.toByteArray());
  }

  /**
   * Every value in the topic (all partitions) read to its end with the given isolation level. The end is the log's
   * end: a commit returns before its markers are written, and until then a read_committed reader's end (the last
   * stable offset) stops before that transaction. A transaction still open after 10 s is left out, as before.
   */
  static List<String> values(String bootstrap, String topic, String isolation) {
    List<String> values = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap, isolation);
         KafkaConsumer<byte[], byte[]> logEnds = consumer(bootstrap, "read_uncommitted")) {
      List<TopicPartition> partitions = new ArrayList<>();
      consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = new HashMap<>(logEnds.endOffsets(Set.copyOf(partitions)));
      long settle = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      boolean settled = false;
      while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("could not read " + topic + " to its end");
        }
        if (!settled && System.nanoTime() > settle) {
          end.putAll(consumer.endOffsets(Set.copyOf(partitions))); // an open transaction: read to its start
          settled = true;
        }
        consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(new String(r.value(), StandardCharsets.UTF_8)));
      }
    }
    return values;
  }

  private static KafkaConsumer<byte[], byte[]> consumer(String bootstrap, String isolation) {
    Map<String, Object> props = new HashMap<>();
    props.put("bootstrap.servers", bootstrap);
    props.put("isolation.level", isolation);
    return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }
}
