package dev.kafkarest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kafkarest.http.MediaTypes;
import dev.kafkarest.testing.DirectCalls;
import dev.kafkarest.testing.DirectCalls.Reply;
import dev.kafkarest.testing.SharedKafka;
import dev.kafkarest.testing.Topics;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** Error answers a newcomer can act on, with the media types Confluent's server gives them. */
@ExtendWith(SharedKafka.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ErrorAnswersTest {
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
  void a415NamesTheTypesTheEndpointReads() {
    Reply produce = calls.post("/topics/t", "application/json", "{\"records\":[{\"value\":1}]}");
    assertEquals(415, produce.status(), produce.body());
    String message = produce.json().get("message").asText();
    for (String type : MediaTypes.EMBEDDED) {
      assertTrue(message.contains(type), message);
    }
    assertTrue(message.contains("application/json"), "names what was sent: " + message);

    Reply form = calls.post("/consumers/g", "application/x-www-form-urlencoded", "name=x");
    assertEquals(415, form.status(), form.body());
    assertTrue(form.json().get("message").asText().contains(MediaTypes.V2), form.body());

    Reply v3 = calls.post("/v3/clusters/c/topics", "text/plain", "{}");
    assertEquals(415, v3.status(), v3.body());
    assertTrue(v3.json().get("message").asText().contains("this endpoint reads application/json"), v3.body());
  }

  @Test
  void aTruncatedBodySaysWhereItEndsInPlainWords() {
    for (String[] call : new String[][] {
        {"/topics/t", MediaTypes.JSON_V2, "{\"records\":[{\"value\":{\"a\":1}"},
        {"/consumers/g", MediaTypes.V2, "{\"name\":\"x\""},
        {"/v3/clusters/c/topics", MediaTypes.JSON, "{\"topic_name\":\"x"}}) {
      Reply reply = calls.post(call[0], call[1], call[2]);
      assertEquals(400, reply.status(), reply.body());
      String message = reply.json().get("message").asText();
      for (String jackson : new String[] {"Source", "REDACTED", "StreamReadFeature", "INCLUDE_SOURCE",
          "marker", "VALUE_STRING", "OBJECT", "ARRAY"}) {
        assertFalse(message.contains(jackson), jackson + " in: " + message);
      }
      assertTrue(message.startsWith("Malformed JSON: the body ends before the JSON document is complete"), message);
      assertTrue(message.contains("line 1"), message);
    }
    String opened = calls.post("/consumers/g", MediaTypes.V2, "{\"name\":\"x\"").json().get("message").asText();
    assertTrue(opened.contains("an object opened at line 1, column 1 is not closed"), opened);
  }

  /** As Confluent's: the records methods produce the embedded types, so their errors carry them too. */
  @Test
  void aFailedRecordsReadWithoutAcceptIsBinaryTyped() {
    String topic = Topics.create(SharedKafka.bootstrapServers(), 1);
    assertEquals(200, calls.post("/consumers/g-" + topic, MediaTypes.V2, "{\"name\":\"i\"}").status());
    String instance = "/consumers/g-" + topic + "/instances/i";
    assertEquals(204, calls.post(instance + "/subscription", MediaTypes.V2,
        "{\"topics\":[\"" + topic + "\"]}").status());
    assertEquals(204, calls.call("DELETE", instance, null, null).status());

    Reply gone = calls.get(instance + "/records");
    assertEquals(404, gone.status(), gone.body());
    assertEquals(40403, gone.json().get("error_code").asInt(), gone.body());
    assertEquals(MediaTypes.BINARY_V2, gone.contentType());
    Reply json = calls.call("GET", instance + "/records", null, null, "Accept", MediaTypes.JSON_V2);
    assertEquals(404, json.status(), json.body());
    assertEquals(MediaTypes.JSON_V2, json.contentType());
    Reply v2 = calls.call("GET", instance + "/records", null, null, "Accept", MediaTypes.V2);
    assertEquals(MediaTypes.V2, v2.contentType());
    Reply none = calls.call("GET", instance + "/records", null, null, "Accept", "text/html");
    assertEquals(406, none.status(), none.body());
  }
}
