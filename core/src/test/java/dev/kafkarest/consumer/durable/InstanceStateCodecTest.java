package dev.kafkarest.consumer.durable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kafkarest.consumer.ConsumerInstanceId;
import dev.kafkarest.consumer.ConsumerSettings;
import dev.kafkarest.consumer.Subscription;
import dev.kafkarest.format.EmbeddedFormat;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class InstanceStateCodecTest {
  private static final ConsumerInstanceId ID = new ConsumerInstanceId("group/ä", "name \"1\"");

  @Test
  void everyKindOfStateSurvivesTheRoundTrip() throws Exception {
    ConsumerSettings settings = new ConsumerSettings(ID.name(), EmbeddedFormat.AVRO, "earliest", false, 1024, 2000,
        true, "read_committed");
    for (Subscription s : List.of(Subscription.NONE, Subscription.topics(List.of("a", "b")),
        Subscription.pattern("t.*"), Subscription.partitions(List.of(new TopicPartition("t", 3))))) {
      InstanceState state = new InstanceState(ID, settings, "alice", s, 1234L, "node-1");
      assertEquals(ID, InstanceStateCodec.decodeKey(InstanceStateCodec.key(ID)));
      assertEquals(state, InstanceStateCodec.decodeValue(ID, InstanceStateCodec.value(state)));
    }
    ConsumerSettings defaults = new ConsumerSettings(ID.name(), EmbeddedFormat.BINARY, null, null, -1, null);
    InstanceState anonymous = new InstanceState(ID, defaults, null, Subscription.NONE, 0L, "n");
    assertEquals(anonymous, InstanceStateCodec.decodeValue(ID, InstanceStateCodec.value(anonymous)));
  }

  @Test
  void theOwnersUrlTravelsAndRecordsWithoutItStillRead() throws Exception {
    ConsumerSettings defaults = new ConsumerSettings(ID.name(), EmbeddedFormat.JSON, null, null, -1, null);
    InstanceState withUrl = new InstanceState(ID, defaults, "alice", Subscription.topics(List.of("t")), 5L, "node-a",
        "http://10.0.0.5:8080/kafka");
    assertEquals(withUrl, InstanceStateCodec.decodeValue(ID, InstanceStateCodec.value(withUrl)));
    // As written before node_url existed, or by a node without consumer.instances.node.url: read, no URL.
    String old = "{\"v\":1,\"group\":\"g\",\"name\":\"n\",\"format\":\"json\",\"last_used_ms\":1,\"node\":\"x\","
        + "\"subscription\":{\"topics\":[\"t\"]}}";
    ConsumerInstanceId id = new ConsumerInstanceId("g", "n");
    InstanceState read = InstanceStateCodec.decodeValue(id, old.getBytes(StandardCharsets.UTF_8));
    assertEquals("x", read.node());
    assertEquals(null, read.nodeUrl());
    // A URL that is not one costs the URL, not the record.
    String bad = old.replace("\"node\":\"x\"", "\"node\":\"x\",\"node_url\":\"ftp://x?y\"");
    assertEquals(null, InstanceStateCodec.decodeValue(id, bad.getBytes(StandardCharsets.UTF_8)).nodeUrl());
    String notText = old.replace("\"node\":\"x\"", "\"node\":\"x\",\"node_url\":7");
    assertThrows(InstanceStateCodec.BadRecordException.class,
        () -> InstanceStateCodec.decodeValue(id, notText.getBytes(StandardCharsets.UTF_8)));
    assertEquals(false, new String(InstanceStateCodec.value(read), StandardCharsets.UTF_8).contains("node_url"),
        "no URL, no field: an older reader sees the record it knows");
  }

  @Test
  void aClaimCarriesItsBaseAndOtherRecordsReadAsUnconditional() throws Exception {
    ConsumerSettings defaults = new ConsumerSettings(ID.name(), EmbeddedFormat.JSON, null, null, -1, null);
    InstanceState state = new InstanceState(ID, defaults, null, Subscription.topics(List.of("t")), 5L, "node-b");
    InstanceStateCodec.Decoded claim = InstanceStateCodec.decode(ID, InstanceStateCodec.value(state, 41));
    assertEquals(state, claim.state());
    assertEquals(41, claim.base());
    assertEquals(state, InstanceStateCodec.decodeValue(ID, InstanceStateCodec.value(state, 41)), "v stays 1");
    assertEquals(InstanceStateCodec.NO_BASE, InstanceStateCodec.decode(ID, InstanceStateCodec.value(state)).base());
    assertEquals(false, new String(InstanceStateCodec.value(state), StandardCharsets.UTF_8).contains("base"),
        "a record that is not a claim looks as it did");
    String old = "{\"v\":1,\"group\":\"g\",\"name\":\"n\",\"format\":\"json\",\"last_used_ms\":1,\"node\":\"x\"}";
    ConsumerInstanceId id = new ConsumerInstanceId("g", "n");
    assertEquals(InstanceStateCodec.NO_BASE,
        InstanceStateCodec.decode(id, old.getBytes(StandardCharsets.UTF_8)).base());
    for (String bad : List.of("\"x\"", "-1", "1.5")) {
      String value = old.replace("\"node\":\"x\"", "\"node\":\"x\",\"base\":" + bad);
      assertThrows(InstanceStateCodec.BadRecordException.class,
          () -> InstanceStateCodec.decode(id, value.getBytes(StandardCharsets.UTF_8)), value);
    }
  }

  @Test
  void unusableRecordsAreRefusedWithAReason() {
    for (String value : List.of("", "[]", "not json", "{\"v\":2,\"group\":\"g\",\"name\":\"n\"}",
        "{\"v\":1,\"group\":\"g\",\"name\":\"other\",\"format\":\"json\",\"last_used_ms\":1,\"node\":\"x\"}",
        "{\"v\":1,\"group\":\"g\",\"name\":\"n\",\"format\":\"json\",\"node\":\"x\"}",
        "{\"v\":1,\"group\":\"g\",\"name\":\"n\",\"format\":7,\"last_used_ms\":1,\"node\":\"x\"}",
        "{\"v\":1,\"group\":\"g\",\"name\":\"n\",\"format\":\"json\",\"last_used_ms\":1,\"node\":\"x\","
            + "\"isolation.level\":\"dirty\"}",
        "{\"v\":1,\"group\":\"g\",\"name\":\"n\",\"format\":\"json\",\"last_used_ms\":1,\"node\":\"x\","
            + "\"subscription\":{\"partitions\":[{\"topic\":\"t\",\"partition\":-1}]}}")) {
      assertThrows(InstanceStateCodec.BadRecordException.class, () -> InstanceStateCodec.decodeValue(
          new ConsumerInstanceId("g", "n"), value.getBytes(StandardCharsets.UTF_8)), value);
    }
    assertThrows(InstanceStateCodec.BadRecordException.class, () -> InstanceStateCodec.decodeKey(null));
    assertThrows(InstanceStateCodec.BadRecordException.class,
        () -> InstanceStateCodec.decodeKey("{\"v\":1,\"group\":\"g\"}".getBytes(StandardCharsets.UTF_8)));
  }
}
