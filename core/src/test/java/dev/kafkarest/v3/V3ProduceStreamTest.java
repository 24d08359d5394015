package dev.kafkarest.v3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kafkarest.KafkaRest;
import dev.kafkarest.KafkaRestConfig;
import dev.kafkarest.http.Headers;
import dev.kafkarest.http.Json;
import dev.kafkarest.http.RestRequest;
import dev.kafkarest.http.RestResponse;
import dev.kafkarest.testing.DirectCalls;
import dev.kafkarest.testing.DirectCalls.Reply;
import dev.kafkarest.testing.SharedKafka;
import dev.kafkarest.testing.Topics;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** Streaming {@code POST .../records} against the real broker: order, errors, back-pressure and the bounds. */
@ExtendWith(SharedKafka.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class V3ProduceStreamTest {
  private KafkaRest rest;
  private DirectCalls calls;

  @BeforeAll
  void start() {
    rest = KafkaRest.create(KafkaRestConfig.builder().bootstrapServers(SharedKafka.bootstrapServers())
        .set(KafkaRestConfig.V3_MAX_STREAMS, "2").set(KafkaRestConfig.V3_STREAM_MAX_IN_FLIGHT, "4").build());
    calls = new DirectCalls(rest);
  }

  @AfterAll
  void stop() {
    rest.close();
  }

  static String path(String topic) {
    return "/v3/clusters/c1/topics/" + topic + "/records";
  }

  private static String stringRecord(String value) {
    return "{\"value\":{\"type\":\"STRING\",\"data\":\"" + value + "\"}}";
  }

  private static List<JsonNode> lines(Reply reply) {
    assertEquals(200, reply.status(), reply.body());
    assertEquals("application/json", reply.contentType());
    List<JsonNode> out = new ArrayList<>();
    if (reply.body().isEmpty()) {
      return out;
    }
    assertTrue(reply.body().endsWith("\r\n"), reply.body());
    for (String line : reply.body().split("\r\n")) {
      out.add(Json.MAPPER.valueToTree(parse(line)));
    }
    return out;
  }

  private static JsonNode parse(String line) {
    try {
      return Json.MAPPER.readTree(line);
    } catch (Exception e) {
      throw new AssertionError("not JSON: " + line, e);
    }
  }

  @Test
  void manyRecordsInOneBodyAreAnsweredInOrderPastTheInFlightBound() {
    String t = Topics.create(SharedKafka.bootstrapServers(), 1, "v3s-");
    StringBuilder body = new StringBuilder();
    for (int i = 0; i < 300; i++) {
      body.append(stringRecord("r" + i)).append(i % 3 == 0 ? "\n" : " ");
    }
    List<JsonNode> answers = lines(calls.post(path(t), "application/json", body.toString()));
    assertEquals(300, answers.size());
    for (int i = 0; i < 300; i++) {
      JsonNode a = answers.get(i);
      assertEquals(200, a.get("error_code").asInt(), a::toString);
      assertEquals(i, a.get("offset").asLong());
      assertEquals("c1", a.get("cluster_id").asText());
      assertEquals(t, a.get("topic_name").asText());
      assertEquals("{\"type\":\"STRING\",\"size\":" + ("r" + i).length() + "}", a.get("value").toString());
    }
    List<ConsumerRecord<byte[], byte[]>> records = V3ProduceBatchTest.read(t, 0, 300);
    for (int i = 0; i < 300; i++) {
      assertEquals("r" + i, new String(records.get(i).value(), StandardCharsets.UTF_8));
    }
    assertEquals(0, rest.activeProduceStreams());
  }

  @Test
  void malformedObjectEndsTheStreamWithOne400() {
    String t = Topics.create(SharedKafka.bootstrapServers(), 1, "v3s-");
    List<JsonNode> answers = lines(calls.post(path(t), "application/json",
        stringRecord("a") + stringRecord("b") + "{\"value\": nope}" + stringRecord("never")));
    assertEquals(3, answers.size(), answers::toString);
    assertEquals(200, answers.get(0).get("error_code").asInt());
    assertEquals(200, answers.get(1).get("error_code").asInt());
    assertEquals(400, answers.get(2).get("error_code").asInt());
    assertTrue(answers.get(2).has("message"));
    assertEquals(2, V3ProduceBatchTest.read(t, 0, 2).size());
  }

  @Test
  void perRecordErrorsComeInOrderAndTheStreamGoesOn() {
    String t = Topics.create(SharedKafka.bootstrapServers(), 2, "v3s-");
    List<JsonNode> answers = lines(calls.post(path(t), "application/json",
        "{\"value\":{\"type\":\"BINARY\",\"data\":\"%%%\"}}"
            + "{\"partition_id\":9,\"value\":{\"type\":\"STRING\",\"data\":\"x\"}}"
            + "{\"unknown\":1}"
            + "{\"value\":{\"data\":{\"a\":1}}}"
            + "{\"partition_id\":1,\"key\":{\"type\":\"JSON\",\"data\":[1]},\"value\":{\"type\":\"BINARY\",\"data\":\""
            + V3ProduceBatchTest.b64("ok") + "\"}}"));
    assertEquals(5, answers.size(), answers::toString);
    assertEquals(400, answers.get(0).get("error_code").asInt());
    assertEquals("Bad Request: data=\"%%%\" is not a base64 string.", answers.get(0).get("message").asText());
    assertEquals(40402, answers.get(1).get("error_code").asInt());
    assertEquals(400, answers.get(2).get("error_code").asInt());
    assertEquals(422, answers.get(3).get("error_code").asInt());
    assertEquals("Error: 42206 : Payload error. Schema Registry must be configured when using schemas.",
        answers.get(3).get("message").asText());
    JsonNode ok = answers.get(4);
    assertEquals(200, ok.get("error_code").asInt(), ok::toString);
    assertEquals(1, ok.get("partition_id").asInt());
    assertEquals("{\"type\":\"JSON\",\"size\":3}", ok.get("key").toString());
    ConsumerRecord<byte[], byte[]> record = V3ProduceBatchTest.read(t, 1, 1).get(0);
    assertArrayEquals("[1]".getBytes(StandardCharsets.UTF_8), record.key());
    assertArrayEquals("ok".getBytes(StandardCharsets.UTF_8), record.value());
  }

  @Test
  void anEmptyBodyIsAnEmptyAnswer() {
    assertEquals(List.of(), lines(calls.post(path("any"), "application/json", "")));
  }

  /** One record at a time: each answer arrives before the next record is sent, so nothing waits for the body. */
  @Test
  void answersArriveWhileTheBodyIsStillOpenAndTheStreamLimitHolds() throws Exception {
    String t = Topics.create(SharedKafka.bootstrapServers(), 1, "v3s-");
    OpenStream first = open(t);
    OpenStream second = open(t);
    Reply third = calls.post(path(t), "application/json", stringRecord("x"));
    assertEquals(429, third.status(), third.body());
    assertEquals(429, third.json().get("error_code").asInt());
    for (int i = 0; i < 5; i++) {
      first.send(stringRecord("i" + i));
      JsonNode answer = parse(first.answers.readLine());
      assertEquals(i, answer.get("offset").asLong(), answer::toString);
    }
    first.body.close();
    second.body.close();
    assertNull(first.answers.readLine());
    first.done.get(10, TimeUnit.SECONDS);
    second.done.get(10, TimeUnit.SECONDS);
    awaitNoStreams(rest);
  }

  @Test
  void aStreamPastItsMaxDurationEndsWith408() throws Exception {
    try (KafkaRest shortLived = KafkaRest.create(KafkaRestConfig.builder()
        .bootstrapServers(SharedKafka.bootstrapServers())
        .set(KafkaRestConfig.V3_STREAM_MAX_DURATION_MS, "500").build())) {
      String t = Topics.create(SharedKafka.bootstrapServers(), 1, "v3s-");
      OpenStream stream = open(shortLived, t);
      stream.send(stringRecord("early"));
      assertEquals(200, parse(stream.answers.readLine()).get("error_code").asInt());
      JsonNode expired = parse(stream.answers.readLine()); // no more records sent: the deadline ends it
      assertEquals(408, expired.get("error_code").asInt(), expired::toString);
      assertNull(stream.answers.readLine());
      stream.body.close();
      awaitNoStreams(shortLived);
    }
  }

  static void awaitNoStreams(KafkaRest rest) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (rest.activeProduceStreams() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertEquals(0, rest.activeProduceStreams());
  }

  private OpenStream open(String topic) throws Exception {
    return open(rest, topic);
  }

  /** A stream whose body is a pipe the test writes to, and whose answer is read line by line. */
  private static OpenStream open(KafkaRest rest, String topic) throws Exception {
    PipedOutputStream body = new PipedOutputStream();
    PipedInputStream bodyIn = new PipedInputStream(body, 1 << 16);
    RestRequest request = RestRequest.builder("POST", path(topic))
        .headers(Headers.of("Content-Type", "application/json", "Transfer-Encoding", "chunked"))
        .body(bodyIn)
        .build();
    RestResponse response = rest.handle(request).toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertEquals(200, response.status());
    PipedInputStream answerIn = new PipedInputStream(1 << 16);
    PipedOutputStream answerOut = new PipedOutputStream(answerIn);
    CompletableFuture<Void> done = CompletableFuture.runAsync(() -> {
      try (OutputStream out = answerOut) {
        response.body().writeTo(out);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    return new OpenStream(body, new BufferedReader(new InputStreamReader(answerIn, StandardCharsets.UTF_8)), done);
  }

  private record OpenStream(OutputStream body, BufferedReader answers, CompletableFuture<Void> done) {
    void send(String json) throws Exception {
      body.write(json.getBytes(StandardCharsets.UTF_8));
      body.flush();
    }
  }
}
