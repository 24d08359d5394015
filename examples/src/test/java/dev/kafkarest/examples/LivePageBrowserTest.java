package dev.kafkarest.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kafkarest.http.MediaTypes;
import dev.kafkarest.testing.HttpCalls;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Properties;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The example server's live topic page in a real headless Chromium: it lists the topic, shows a record produced
 * through the API as it arrives over EventSource, keeps showing new ones, and produces through its form.
 * Skipped where no browser is installed.
 */
class LivePageBrowserTest {
  @Test
  void showsRecordsProducedThroughTheApiAsTheyArrive() throws Exception {
    Path chromium = HeadlessBrowser.find().orElse(null);
    Assumptions.assumeTrue(chromium != null, "no chromium on the PATH (Debian: apt-get install chromium)");
    Properties props = new Properties();
    props.setProperty("listeners", "http://127.0.0.1:0");
    try (ExampleServer server = ExampleServer.start(props)) {
      HttpCalls api = new HttpCalls(server.baseUri());
      String topic = "live-page-" + System.nanoTime();
      HttpCalls.Reply created = api.post("/v3/clusters/" + clusterId(api) + "/topics", "application/json",
          "{\"topic_name\":\"" + topic + "\",\"partitions_count\":1}");
      assertEquals(201, created.status(), created::toString);
      URI root = URI.create(server.baseUri().toString().replaceFirst("/kafka$", "/"));
      try (HeadlessBrowser browser = HeadlessBrowser.open(chromium, URI.create(root + "#topic=" + topic))) {
        browser.await("document.getElementById('status').textContent === 'live'", "the stream as live");
        browser.await("[...document.querySelectorAll('#topics li')].some(li => li.textContent === '" + topic + "')",
            "the topic in the list");
        assertTrue(browser.evaluate("document.body.innerText.includes('/kafka/openapi.json')").asBoolean());
        for (int i = 1; i <= 3; i++) {
          produce(api, topic, "hello-" + i);
          browser.await("document.getElementById('records').innerText.includes('hello-" + i + "')",
              "record hello-" + i);
        }
        assertEquals(3, browser.evaluate("document.querySelectorAll('#records tr').length").asInt());
        // The form produces through the API; the record comes back through the stream.
        browser.evaluate("document.getElementById('value').value = 'from-the-form';"
            + "document.getElementById('produce').requestSubmit(); true");
        browser.await("document.getElementById('records').innerText.includes('from-the-form')",
            "the record produced by the form");
      }
    }
  }

  private static String clusterId(HttpCalls api) {
    return api.get("/v3/clusters").json().get("data").get(0).get("cluster_id").asText();
  }

  private static void produce(HttpCalls api, String topic, String value) {
    String body = "{\"records\":[{\"value\":\""
        + Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8)) + "\"}]}";
    HttpCalls.Reply reply = api.post("/topics/" + topic, MediaTypes.BINARY_V2, body);
    assertEquals(200, reply.status(), reply::toString);
  }
}
