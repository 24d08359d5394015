package dev.kafkarest.openapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kafkarest.http.MediaTypes;
import dev.kafkarest.testing.OpenApiContract;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The checker on the served document: it must reject what the document forbids, or the contract proves nothing. */
class ServedOpenApiContractTest {
  private static final OpenApiContract CONTRACT = OpenApiContract.served();
  private static final String V2 = MediaTypes.V2;
  private static final String RECORDS = "/consumers/g/instances/i/records";

  private static void rejected(List<String> errors, String... mentioning) {
    assertTrue(!errors.isEmpty(), "accepted");
    for (String m : mentioning) {
      assertTrue(errors.stream().anyMatch(e -> e.contains(m)), m + " not in " + errors);
    }
  }

  @Test
  void conformingV2AnswersPass() {
    assertEquals(List.of(), CONTRACT.check("GET", "/brokers", 200, V2, "{\"brokers\":[1,2]}"));
    assertEquals(List.of(), CONTRACT.check("GET", "/topics", 200, V2 + "; charset=UTF-8", "[\"a\",\"b\"]"));
    assertEquals(List.of(), CONTRACT.check("POST", "/topics/t", 200, MediaTypes.BINARY_V2,
        "{\"offsets\":[{\"partition\":0,\"offset\":3,\"error_code\":null,\"error\":null}],\"key_schema_id\":null,"
            + "\"value_schema_id\":null}"));
    assertEquals(List.of(), CONTRACT.check("GET", RECORDS, 200, MediaTypes.BINARY_V2,
        "[{\"topic\":\"t\",\"key\":null,\"value\":\"AA==\",\"partition\":0,\"offset\":0}]"));
    assertEquals(List.of(), CONTRACT.check("GET", RECORDS, 200, MediaTypes.JSON_V2,
        "[{\"topic\":\"t\",\"key\":{\"a\":1},\"value\":[1],\"partition\":0,\"offset\":0}]"));
    assertEquals(List.of(), CONTRACT.check("GET", RECORDS, 404, MediaTypes.BINARY_V2,
        "{\"error_code\":40403,\"message\":\"Consumer instance not found.\"}"));
    assertEquals(List.of(), CONTRACT.check("DELETE", "/consumers/g/instances/i", 204, null, ""));
    assertEquals(List.of(), CONTRACT.check("HEAD", "/topics", 200, V2, ""));
  }

  @Test
  void theExtensionsAreDocumented() {
    assertEquals(List.of(), CONTRACT.check("GET", "/topics/t/events?start=earliest", 200, "text/event-stream",
        "id: 0:1\ndata: {}\n\n"));
    assertEquals(List.of(), CONTRACT.check("GET", "/topics/t/events", 404, V2,
        "{\"error_code\":40402,\"message\":\"Partition not found.\"}"));
    assertEquals(List.of(), CONTRACT.check("GET", RECORDS, 200, "text/event-stream", ": keep-alive\n\n"));
    assertEquals(List.of(), CONTRACT.check("GET", RECORDS, 200, MediaTypes.BINARY_V2,
        "[{\"topic\":\"t\",\"key\":null,\"value\":\"AA==\",\"partition\":0,\"offset\":0,\"timestamp\":5,"
            + "\"timestamp_type\":\"CREATE_TIME\",\"headers\":[{\"name\":\"h\",\"value\":null}]}]"));
    assertEquals(List.of(), CONTRACT.checkRequest("POST", "/topics/t",
        List.of("Content-Type", "Idempotency-Key"), MediaTypes.BINARY_V2,
        "{\"records\":[{\"value\":\"AA==\",\"timestamp\":0,\"headers\":[{\"name\":\"h\",\"value\":\"AA==\"}]}]}"));
    assertEquals(List.of(), CONTRACT.checkRequest("GET", "/topics/t/events", List.of("Last-Event-ID"), null,
        null));
    assertEquals(List.of(), CONTRACT.checkRequest("POST", "/consumers/g", List.of("Content-Type"), V2,
        "{\"record.metadata\":\"true\",\"isolation.level\":\"read_committed\"}"));
    rejected(CONTRACT.checkRequest("POST", "/topics/t", List.of("Content-Type"), MediaTypes.BINARY_V2,
        "{\"records\":[{\"value\":\"AA==\",\"timestamp\":-1}]}"), "timestamp");
    rejected(CONTRACT.checkRequest("POST", "/consumers/g", List.of("Content-Type"), V2,
        "{\"isolation.level\":\"serializable\"}"), "isolation.level");
  }

  @Test
  void aWrongShapeTypeOrContentTypeIsRejected() {
    rejected(CONTRACT.check("GET", "/brokers", 200, V2, "{\"brokers\":[1],\"extra\":true}"), "extra");
    rejected(CONTRACT.check("GET", "/brokers", 200, "application/json", "{\"brokers\":[1]}"), "content type");
    rejected(CONTRACT.check("GET", RECORDS, 200, MediaTypes.BINARY_V2,
        "[{\"topic\":\"t\",\"key\":5,\"value\":\"AA==\",\"partition\":0,\"offset\":0}]"), "key");
    rejected(CONTRACT.check("GET", "/topics/t", 404, V2, "{\"error_code\":\"40401\",\"message\":\"x\"}"),
        "error_code");
    rejected(CONTRACT.check("GET", "/topics", 302, V2, "{}"), "not documented"); // every 4XX is, as the error body
  }

  @Test
  void anUndocumentedPathOrMethodFailsNamingIt() {
    rejected(CONTRACT.check("GET", "/topics/t/history", 200, "text/event-stream", "data: x"),
        "no path of the OpenAPI document matches /topics/t/history", "v2,v3}.yaml");
    rejected(CONTRACT.check("PUT", "/topics", 200, V2, "[]"), "no PUT on /topics");
    // the router's own answers to them are documented once, as the error body
    assertEquals(List.of(), CONTRACT.check("GET", "/no/such/path", 404, V2, "{\"error_code\":404,\"message\":\"x\"}"));
    assertEquals(List.of(), CONTRACT.check("DELETE", "/topics", 405, V2, "{\"error_code\":405,\"message\":\"x\"}"));
    rejected(CONTRACT.check("GET", "/no/such/path", 404, "text/html", "<html>"), "content type");
  }

  @Test
  void anAcceptedRequestMustFitTheDocumentToo() {
    assertEquals(List.of(), CONTRACT.checkRequest("POST", "/topics/t", List.of("Content-Type", "Accept"),
        MediaTypes.BINARY_V2, "{\"records\":[{\"value\":\"AA==\"}]}"));
    rejected(CONTRACT.checkRequest("POST", "/topics/t", List.of("Content-Type"), MediaTypes.BINARY_V2,
        "{\"records\":[{\"value\":5}]}"), "value");
    rejected(CONTRACT.checkRequest("POST", "/topics/t", List.of("Content-Type"), "application/json", "{}"),
        "content type");
    assertEquals(List.of(), CONTRACT.checkRequest("POST", "/v3/clusters/c/topics/t/records",
        List.of("Content-Type", "Idempotency-Key"), MediaTypes.JSON, "{}"));
    rejected(CONTRACT.checkRequest("POST", "/v3/clusters/c/topics/t/records",
        List.of("Content-Type", "Idempotency-Token"), MediaTypes.JSON, "{}"),
        "header Idempotency-Token is not a documented parameter");
    assertEquals(List.of(), CONTRACT.checkRequest("POST", "/v3/clusters/c/topics/t/records:batch",
        List.of("Content-Type", "Idempotency-Key"), MediaTypes.JSON, "{\"entries\":[{\"id\":\"a\"}]}"));
    rejected(CONTRACT.checkRequest("POST", "/consumers/g/instances/i/subscription", List.of(), V2, ""),
        "requires one");
  }
}
