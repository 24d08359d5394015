package dev.kafkarest.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kafkarest.KafkaRest;
import dev.kafkarest.KafkaRestConfig;
import dev.kafkarest.http.Headers;
import dev.kafkarest.http.RestRequest;
import dev.kafkarest.http.RestResponse;
import dev.kafkarest.testing.SharedKafka;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** How an application's own unit test can use the proxy with no container and no socket. */
@ExtendWith(SharedKafka.class) // one embedded broker per test JVM, from kafka-rest-core's test-jar
class DirectHandlerExampleTest {
  @Test
  void produceWithoutAnyContainer() throws Exception {
    KafkaRestConfig config = KafkaRestConfig.builder().bootstrapServers(SharedKafka.bootstrapServers()).build();
    try (KafkaRest rest = KafkaRest.create(config)) {
      RestRequest request = RestRequest.builder("POST", "/topics/orders")
          .headers(Headers.of("Content-Type", "application/vnd.kafka.json.v2+json"))
          .body("{\"records\":[{\"key\":\"o-1\",\"value\":{\"total\":42}}]}")
          .baseUri(URI.create("http://localhost/kafka"))
          .build();
      RestResponse response = rest.handle(request).toCompletableFuture().get(30, TimeUnit.SECONDS);

      assertEquals(200, response.status());
      assertTrue(response.bodyAsString().contains("\"error_code\":null"), response.bodyAsString());
    }
  }
}
