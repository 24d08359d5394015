package dev.kafkarest.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kafkarest.KafkaRest;
import dev.kafkarest.KafkaRestConfig;
import dev.kafkarest.http.Headers;
import dev.kafkarest.http.MediaTypes;
import dev.kafkarest.http.RestRequest;
import dev.kafkarest.http.RestResponse;
import dev.kafkarest.http.StreamingBody;
import dev.kafkarest.testing.DirectCalls;
import dev.kafkarest.testing.DirectCalls.Reply;
import dev.kafkarest.testing.MovableClock;
import dev.kafkarest.testing.SharedKafka;
import dev.kafkarest.testing.Topics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A scripted set of calls against a real broker, then the meters they must have left in a SimpleMeterRegistry:
 * names, tags and counts, the Kafka clients' own metrics while their clients live, and nothing once closed.
 */
@ExtendWith(SharedKafka.class)
class MicrometerMetricsTest {
  private static final String TOPIC_ROUTE = "/topics/{topic}";
  private static final String INSTANCE = "/consumers/{group}/instances/{name}";
  private static KafkaRestConfig config() {
    return KafkaRestConfig.builder().bootstrapServers(SharedKafka.bootstrapServers())
        .set(KafkaRestConfig.REQUEST_MAX_BYTES, "4000")
        .set(KafkaRestConfig.PRODUCE_MAX_RECORDS, "3")
        .set(KafkaRestConfig.CONSUMER_MAX_INSTANCES, "1")
        .set("producer.max.request.size", "1000")
        .build();
  }

  @Test
  void scriptedCallsLeaveTheirMetersAndCloseRemovesThemAll() {
    String topic = Topics.create(SharedKafka.bootstrapServers(), 1);
    MeterRegistry registry = new SimpleMeterRegistry();
    MovableClock clock = new MovableClock();
    KafkaRest rest = KafkaRest.builder(config()).clock(clock)
        .metrics(MicrometerMetrics.builder(registry).tag("proxy", "test").build()).build();
    try {
      DirectCalls calls = new DirectCalls(rest);
      // Two records of 5 value bytes each.
      Reply produced = calls.post("/topics/" + topic, MediaTypes.BINARY_V2,
          "{\"records\":[{\"value\":\"aGVsbG8=\"},{\"key\":\"aw==\",\"value\":\"aGVsbG8=\"}]}");
      assertEquals(200, produced.status(), produced.body());
      // Past produce.max.records: 422, a rejection by that limit.
      assertEquals(422, calls.post("/topics/" + topic, MediaTypes.BINARY_V2,
          "{\"records\":[{\"value\":null},{\"value\":null},{\"value\":null},{\"value\":null}]}").status());
      // Past request.max.bytes: 413.
      assertEquals(413, calls.post("/topics/" + topic, MediaTypes.BINARY_V2,
          "{\"records\":[{\"value\":\"" + "A".repeat(5000) + "\"}]}").status());
      // Past the producer's max.request.size: the record fails on its own, with a per-record error code.
      Reply tooLarge = calls.post("/topics/" + topic, MediaTypes.BINARY_V2,
          "{\"records\":[{\"value\":\"" + "A".repeat(2000) + "\"}]}");
      assertEquals(200, tooLarge.status(), tooLarge.body());
      int errorCode = tooLarge.json().get("offsets").get(0).get("error_code").asInt();
      assertEquals(404, calls.get("/no-such-route").status());
      Reply brokers = calls.get("/brokers");
      assertEquals(200, brokers.status());

      String subscription = "{\"topics\":[\"" + topic + "\"]}";
      assertEquals(200, calls.post("/consumers/g-metrics", MediaTypes.V2,
          "{\"name\":\"a\",\"format\":\"binary\",\"auto.offset.reset\":\"earliest\"}").status());
      assertEquals(429, calls.post("/consumers/g-metrics", MediaTypes.V2, "{\"name\":\"b\"}").status());
      assertEquals(204, calls.post("/consumers/g-metrics/instances/a/subscription", MediaTypes.V2, subscription)
          .status());
      int records = 0;
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (records < 2 && System.nanoTime() < deadline) {
        Reply read = calls.call("GET", "/consumers/g-metrics/instances/a/records?timeout=500", null, null,
            "Accept", MediaTypes.BINARY_V2);
        assertEquals(200, read.status(), read.body());
        records += read.json().size();
      }
      assertEquals(2, records);

      // HTTP: one timer per method, route and status; the common tag on each.
      assertEquals(2, timer(registry, MicrometerMetrics.HTTP_REQUESTS, "method", "POST", "route", TOPIC_ROUTE,
          "status", "200").count());
      assertEquals(1, timer(registry, MicrometerMetrics.HTTP_REQUESTS, "route", TOPIC_ROUTE, "status", "422")
          .count());
      assertEquals(1, timer(registry, MicrometerMetrics.HTTP_REQUESTS, "route", "/consumers/{group}",
          "status", "429").count());
      assertEquals(1, timer(registry, MicrometerMetrics.HTTP_REQUESTS, "method", "GET", "route",
          MicrometerMetrics.NO_ROUTE, "status", "404").count());
      assertNotNull(registry.find(MicrometerMetrics.HTTP_REQUESTS).tag("proxy", "test").timer());
      assertEquals(1, count(registry, MicrometerMetrics.HTTP_REJECTIONS, "limit", "produce.max.records",
          "status", "422"));
      assertEquals(1, count(registry, MicrometerMetrics.HTTP_REJECTIONS, "limit", "request.max.bytes",
          "status", "413"));
      assertEquals(1, count(registry, MicrometerMetrics.HTTP_REJECTIONS, "limit", "consumer.max.instances",
          "status", "429"));
      assertEquals(subscription.length(), count(registry, MicrometerMetrics.HTTP_BYTES_IN,
          "route", INSTANCE + "/subscription"));
      assertEquals(brokers.body().length(), count(registry, MicrometerMetrics.HTTP_BYTES_OUT, "route", "/brokers"));

      // Produce: the three records that reached the producer, the 12 bytes of the two that were acknowledged
      // (plus the big one), one error under the code the answer gave.
      assertEquals(3, count(registry, MicrometerMetrics.PRODUCE_RECORDS));
      assertEquals(5 + 1 + 5 + 2000 * 3 / 4, count(registry, MicrometerMetrics.PRODUCE_BYTES));
      assertEquals(2, registry.get(MicrometerMetrics.PRODUCE_ACK).timer().count());
      assertEquals(1, count(registry, MicrometerMetrics.PRODUCE_ERRORS, "error_code", Integer.toString(errorCode)));
      assertNull(registry.find(MicrometerMetrics.PRODUCE_RECORDS).tagKeys("topic").counter(), "no topic tag");

      // Consumers.
      assertEquals(1, gauge(registry, MicrometerMetrics.CONSUMER_INSTANCES));
      assertEquals(0, gauge(registry, MicrometerMetrics.CONSUMER_READS_WAITING));
      assertEquals(0, gauge(registry, MicrometerMetrics.PRODUCE_STREAMS));
      // Counted just after the answer is handed on, so possibly a moment after the caller has it.
      waitFor(() -> count(registry, MicrometerMetrics.CONSUMER_RECORDS) >= 2, "records returned counted");
      assertEquals(2, count(registry, MicrometerMetrics.CONSUMER_RECORDS));
      assertEquals(5 + 1 + 5, count(registry, MicrometerMetrics.CONSUMER_BYTES));
      assertTrue(timer(registry, MicrometerMetrics.CONSUMER_READS, "outcome", "records").count() >= 1);
      assertTrue(count(registry, MicrometerMetrics.CONSUMER_REBALANCES) >= 1);

      // The Kafka clients' own metrics, the consumer's only while its instance lives.
      assertTrue(hasMeterStartingWith(registry, "kafka.producer."), "producer metrics");
      assertTrue(hasMeterStartingWith(registry, "kafka.admin.client."), "admin client metrics");
      assertTrue(hasMeterStartingWith(registry, "kafka.consumer."), "consumer metrics");
      assertEquals(204, calls.call("DELETE", "/consumers/g-metrics/instances/a", null, null).status());
      assertEquals(0, gauge(registry, MicrometerMetrics.CONSUMER_INSTANCES));
      assertTrue(!hasMeterStartingWith(registry, "kafka.consumer."), "consumer metrics gone with the instance");

      // An instance left idle past consumer.instance.timeout.ms expires.
      assertEquals(200, calls.post("/consumers/g-metrics", MediaTypes.V2, "{\"name\":\"idle\"}").status());
      clock.advance(Duration.ofHours(1));
      waitFor(() -> count(registry, MicrometerMetrics.CONSUMER_EXPIRED) == 1, "the idle instance expired");
      waitFor(() -> gauge(registry, MicrometerMetrics.CONSUMER_INSTANCES) == 0, "no instance left");
    } finally {
      rest.close();
    }
    assertEquals(java.util.List.of(), registry.getMeters().stream().map(m -> m.getId().getName()).toList(),
        "close removes every meter");
  }

  @Test
  void aV3StreamIsCountedWhileOpenAndItsAnswerBytesAsWritten() throws Exception {
    String topic = Topics.create(SharedKafka.bootstrapServers(), 1);
    MeterRegistry registry = new SimpleMeterRegistry();
    try (KafkaRest rest = KafkaRest.builder(config()).metrics(MicrometerMetrics.of(registry)).build()) {
      PipedOutputStream body = new PipedOutputStream();
      RestRequest request = RestRequest.builder("POST", "/v3/clusters/c1/topics/" + topic + "/records")
          .headers(Headers.of("Content-Type", "application/json", "Transfer-Encoding", "chunked"))
          .body(new PipedInputStream(body, 1 << 16))
          .build();
      RestResponse response = rest.handle(request).toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertEquals(200, response.status());
      assertTrue(response.body() instanceof StreamingBody, "counting keeps the body a stream for the binding");
      ByteArrayOutputStream answer = new ByteArrayOutputStream();
      CompletableFuture<Void> written = CompletableFuture.runAsync(() -> {
        try {
          response.body().writeTo(answer);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      assertEquals(1, gauge(registry, MicrometerMetrics.PRODUCE_STREAMS));
      body.write("{\"value\":{\"type\":\"STRING\",\"data\":\"a\"}}{\"value\":{\"type\":\"STRING\",\"data\":\"b\"}}"
          .getBytes(StandardCharsets.UTF_8));
      body.close();
      written.get(30, TimeUnit.SECONDS);
      assertEquals(2, answer.toString(StandardCharsets.UTF_8).split("\r\n").length, answer::toString);
      assertEquals(answer.size(), count(registry, MicrometerMetrics.HTTP_BYTES_OUT,
          "route", "/v3/clusters/{cluster}/topics/{topic}/records"));
      assertEquals(2, count(registry, MicrometerMetrics.PRODUCE_RECORDS));
      waitFor(() -> gauge(registry, MicrometerMetrics.PRODUCE_STREAMS) == 0, "the stream's slot is given back");
    }
  }

  @Test
  void topicTagsOnlyWhenTheHostOptsIn() {
    String topic = Topics.create(SharedKafka.bootstrapServers(), 1);
    MeterRegistry registry = new SimpleMeterRegistry();
    try (KafkaRest rest = KafkaRest.builder(config())
        .metrics(MicrometerMetrics.builder(registry).topicTags(true).kafkaClientMetrics(false).build()).build()) {
      assertEquals(200, new DirectCalls(rest).post("/topics/" + topic, MediaTypes.BINARY_V2,
          "{\"records\":[{\"value\":\"aGVsbG8=\"}]}").status());
      assertEquals(1, count(registry, MicrometerMetrics.PRODUCE_RECORDS, "topic", topic));
      assertEquals(1, registry.get(MicrometerMetrics.PRODUCE_ACK).tag("topic", topic).timer().count());
      assertTrue(!hasMeterStartingWith(registry, "kafka.producer."), "client metrics were turned off");
    }
  }

  @Test
  void forwardsCountByOutcome() {
    MeterRegistry registry = new SimpleMeterRegistry();
    try (MicrometerMetrics metrics = MicrometerMetrics.of(registry)) {
      metrics.consumerForward("forwarded");
      metrics.consumerForward("forwarded");
      metrics.consumerForward("takeover");
      assertEquals(2, count(registry, MicrometerMetrics.CONSUMER_FORWARDS, "outcome", "forwarded"));
      assertEquals(1, count(registry, MicrometerMetrics.CONSUMER_FORWARDS, "outcome", "takeover"));
    }
    assertEquals(0, registry.getMeters().size(), "closing removed them");
  }

  @Test
  void withoutMetricsTheProxyRegistersNothing() {
    String topic = Topics.create(SharedKafka.bootstrapServers(), 1);
    int before = Metrics.globalRegistry.getMeters().size();
    try (KafkaRest rest = KafkaRest.create(config())) {
      assertEquals(200, new DirectCalls(rest).post("/topics/" + topic, MediaTypes.BINARY_V2,
          "{\"records\":[{\"value\":\"aGVsbG8=\"}]}").status());
    }
    assertEquals(before, Metrics.globalRegistry.getMeters().size());
  }

  private static Timer timer(MeterRegistry registry, String name, String... tags) {
    return registry.get(name).tags(tags).timer();
  }

  private static double count(MeterRegistry registry, String name, String... tags) {
    Counter counter = registry.find(name).tags(tags).counter();
    return counter == null ? 0 : counter.count();
  }

  private static double gauge(MeterRegistry registry, String name) {
    return registry.get(name).gauge().value();
  }

  private static boolean hasMeterStartingWith(MeterRegistry registry, String prefix) {
    for (Meter m : registry.getMeters()) {
      if (m.getId().getName().startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }

  private static void waitFor(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, what);
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }
  }
}
