package dev.kafkarest.v3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kafkarest.KafkaRest;
import dev.kafkarest.KafkaRestConfig;
import dev.kafkarest.http.RestResponse;
import dev.kafkarest.testing.DirectCalls;
import dev.kafkarest.testing.SharedKafka;
import dev.kafkarest.testing.Topics;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** v3 produce bodies in UTF-8 or ISO-8859-1 (as upstream accepts); any other charset is a 400 before anything. */
@ExtendWith(SharedKafka.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class V3ProduceCharsetTest {
  private static final String RECORD = "{\"value\":{\"type\":\"STRING\",\"data\":\"caf\u00e9\"}}";
  private KafkaRest rest;
  private DirectCalls calls;

  @BeforeAll
  void start() {
    rest = KafkaRest.create(KafkaRestConfig.builder().bootstrapServers(SharedKafka.bootstrapServers()).build());
    calls = new DirectCalls(rest);
  }

  @AfterAll
  void stop() {
    rest.close();
  }

  @Test
  void aLatin1StreamIsReadAsLatin1() {
    String t = Topics.create(SharedKafka.bootstrapServers(), 1, "v3cs-");
    RestResponse answer = calls.respond("POST", "/v3/clusters/c/topics/" + t + "/records",
        "application/json; charset=ISO-8859-1", (RECORD + RECORD).getBytes(StandardCharsets.ISO_8859_1));
    assertEquals(200, answer.status());
    String lines = answer.bodyAsString();
    assertEquals(2, lines.split("\r\n").length, lines);
    assertTrue(lines.contains("\"error_code\":200"), lines);
    List<ConsumerRecord<byte[], byte[]>> records = V3ProduceBatchTest.read(t, 0, 2);
    assertArrayEquals("caf\u00e9".getBytes(StandardCharsets.UTF_8), records.get(1).value());
  }

  @Test
  void aLatin1BatchIsReadAsLatin1AndUtf8AsUtf8() {
    String t = Topics.create(SharedKafka.bootstrapServers(), 1, "v3cs-");
    String body = "{\"entries\":[{\"id\":\"a\"," + RECORD.substring(1) + "]}";
    assertEquals(207, calls.respond("POST", "/v3/clusters/c/topics/" + t + "/records:batch",
        "application/json;charset=iso-8859-1", body.getBytes(StandardCharsets.ISO_8859_1)).status());
    assertEquals(207, calls.respond("POST", "/v3/clusters/c/topics/" + t + "/records:batch",
        "application/json; charset=UTF-8", body.getBytes(StandardCharsets.UTF_8)).status());
    List<ConsumerRecord<byte[], byte[]>> records = V3ProduceBatchTest.read(t, 0, 2);
    for (ConsumerRecord<byte[], byte[]> r : records) {
      assertArrayEquals("caf\u00e9".getBytes(StandardCharsets.UTF_8), r.value());
    }
  }

  @Test
  void anotherCharsetIs400AndWritesNothing() {
    String t = Topics.create(SharedKafka.bootstrapServers(), 1, "v3cs-");
    for (String path : new String[] {"/records", "/records:batch"}) {
      DirectCalls.Reply reply = calls.call("POST", "/v3/clusters/c/topics/" + t + path,
          "application/json; charset=UTF-16", RECORD);
      assertEquals(400, reply.status(), reply.body());
      assertEquals(400, reply.json().get("error_code").asInt());
      assertTrue(reply.json().get("message").asText().contains("utf-16"), reply.body());
    }
    assertEquals(0, rest.activeProduceStreams());
  }
}
