package dev.kafkarest.v3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kafkarest.testing.OpenApiContract;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The checker itself: it must reject what the document forbids, or the conformance test proves nothing. */
class V3OpenApiContractTest {
  private static final OpenApiContract CONTRACT = OpenApiContract.v3();
  private static final String SELF = "http://proxy.test/kafka/v3/clusters/c1";
  private static final String JSON = "application/json";

  private static String cluster(String clusterIdField) {
    return "{\"kind\":\"KafkaCluster\",\"metadata\":{\"self\":\"" + SELF + "\",\"resource_name\":\"crn:///kafka=c1\"},"
        + clusterIdField + "\"controller\":null,\"acls\":{\"related\":\"" + SELF + "/acls\"},"
        + "\"brokers\":{\"related\":\"" + SELF + "/brokers\"},\"broker_configs\":{\"related\":\"x\"},"
        + "\"consumer_groups\":{\"related\":\"x\"},\"topics\":{\"related\":\"x\"},"
        + "\"partition_reassignments\":{\"related\":\"x\"}}";
  }

  private static void rejected(List<String> errors, String mentioning) {
    assertTrue(!errors.isEmpty() && errors.stream().anyMatch(e -> e.contains(mentioning)), errors.toString());
  }

  @Test
  void aConformingAnswerPasses() {
    assertEquals(List.of(), CONTRACT.check("GET", "/v3/clusters/c1", 200, JSON, cluster("\"cluster_id\":\"c1\",")));
    assertEquals(List.of(), CONTRACT.check("GET", "/v3/clusters/c1", 404, "application/json; charset=UTF-8",
        "{\"error_code\":404,\"message\":\"Cluster c2 cannot be found.\"}"));
    assertEquals(List.of(), CONTRACT.check("DELETE", "/v3/clusters/c1/topics/t", 204, null, ""));
  }

  @Test
  void aMissingRequiredFieldAWrongTypeOrAnExtraFieldIsRejected() {
    rejected(CONTRACT.check("GET", "/v3/clusters/c1", 200, JSON, cluster("")), "cluster_id");
    rejected(CONTRACT.check("GET", "/v3/clusters/c1", 200, JSON, cluster("\"cluster_id\":7,")), "cluster_id");
    rejected(CONTRACT.check("GET", "/v3/clusters/c1", 200, JSON,
        cluster("\"cluster_id\":\"c1\",\"surprise\":1,")), "surprise");
    rejected(CONTRACT.check("GET", "/v3/clusters/c1/topics/t/partitions/0/offset", 200, JSON,
        "{\"kind\":\"KafkaPartitionWithOffsets\",\"metadata\":{\"self\":\"x\"},\"cluster_id\":\"c1\","
            + "\"topic_name\":\"t\",\"partition_id\":0,\"earliest_offset\":\"0\",\"latest_offset\":3}"),
        "earliest_offset");
    rejected(CONTRACT.check("GET", "/v3/clusters/c1", 404, JSON, "{\"message\":\"no code\"}"), "error_code");
  }

  @Test
  void anUndocumentedStatusPathContentTypeOrBodyIsRejected() {
    rejected(CONTRACT.check("GET", "/v3/clusters", 418, JSON, "{}"), "not documented");
    rejected(CONTRACT.check("GET", "/v3/nothing-here", 200, JSON, "{}"), "no path");
    rejected(CONTRACT.check("PUT", "/v3/clusters", 200, JSON, "{}"), "no PUT");
    rejected(CONTRACT.check("GET", "/v3/clusters/c1", 404, "text/plain", "nope"), "content type");
    rejected(CONTRACT.check("DELETE", "/v3/clusters/c1/topics/t", 204, JSON, "{}"), "without a body");
    rejected(CONTRACT.check("GET", "/v3/clusters/c1", 200, JSON, ""), "no body");
  }

  /** Confluent's 3.0 document, converted: its schemas must bite too, or its report would be empty for nothing. */
  @Test
  void confluentsDocumentRejectsToo() {
    String file = System.getProperty("confluent.openapi", "");
    Assumptions.assumeTrue(!file.isEmpty() && Files.isRegularFile(Path.of(file)), "no -Dconfluent.openapi");
    OpenApiContract upstream = OpenApiContract.openApi30(Path.of(file), "/v3");
    assertEquals(List.of(), upstream.check("GET", "/v3/clusters/c1", 200, JSON, cluster("\"cluster_id\":\"c1\",")
        .replace("\"controller\":null,", "")));
    rejected(upstream.check("GET", "/v3/clusters/c1", 200, JSON, cluster("\"cluster_id\":7,")), "cluster_id");
    String offsets = "{\"kind\":\"KafkaPartitionWithOffsets\",\"metadata\":{\"self\":\"x\"},\"cluster_id\":\"c1\","
        + "\"topic_name\":\"t\",\"partition_id\":0,\"earliest_offset\":0,\"latest_offset\":3}";
    assertEquals(List.of(), upstream.check("GET", "/v3/clusters/c1/topics/t/partitions/0/offset", 200, JSON, offsets));
    rejected(upstream.check("GET", "/v3/clusters/c1/topics/t/partitions/0/offset", 200, JSON,
        offsets.replace("\"latest_offset\":3", "\"latest_offset\":\"3\"")), "latest_offset");
  }

  @Test
  void literalSegmentsBeatParameters() {
    OpenApiContract contract = OpenApiContract.v3();
    contract.check("GET", "/v3/clusters/c1/topics/-/configs", 200, JSON,
        "{\"kind\":\"KafkaTopicConfigList\",\"metadata\":{\"self\":\"x\",\"next\":null},\"data\":[]}");
    contract.check("POST", "/v3/clusters/c1/topics/t/configs:alter", 204, null, "");
    assertEquals(java.util.Set.of("alterTopicConfigs", "listAllTopicConfigs"), contract.checkedOperations());
  }
}
