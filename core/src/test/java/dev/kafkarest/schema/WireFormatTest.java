package dev.kafkarest.schema;

import static dev.kafkarest.schema.SchemaTestKit.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.util.List;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.utils.ByteUtils;
import org.junit.jupiter.api.Test;

class WireFormatTest {
  @Test
  void headerIsMagicZeroAndBigEndianId() {
    assertArrayEquals(bytes(0, 0x01, 0x02, 0x03, 0x04, 9), WireFormat.frame(0x01020304, bytes(9)));
    ByteBuffer in = ByteBuffer.wrap(bytes(0, 0, 0, 1, 0, 42));
    assertEquals(256, WireFormat.readSchemaId(in));
    assertEquals(42, in.get());
  }

  @Test
  void messageIndexesMatchKafkasZigZagVarints() {
    List<Integer> path = List.of(3, 200, 70000);
    ByteBuffer expected = ByteBuffer.allocate(16);
    ByteUtils.writeVarint(3, expected);
    for (int i : path) {
      ByteUtils.writeVarint(i, expected);
    }
    expected.flip();
    byte[] want = new byte[expected.remaining()];
    expected.get(want);
    assertArrayEquals(want, WireFormat.messageIndexes(path));
    assertEquals(path, WireFormat.readMessageIndexes(ByteBuffer.wrap(want)));
    assertArrayEquals(bytes(0), WireFormat.messageIndexes(List.of(0)));
    assertEquals(List.of(0), WireFormat.readMessageIndexes(ByteBuffer.wrap(bytes(0))));
  }

  @Test
  void garbageIsRefusedNotAllocated() {
    assertThrows(SerializationException.class, () -> WireFormat.readSchemaId(ByteBuffer.wrap(bytes(0, 0, 0))));
    assertThrows(SerializationException.class, () -> WireFormat.readSchemaId(ByteBuffer.wrap(bytes(1, 0, 0, 0, 1))));
    // count 2^30 with no bytes behind it
    assertThrows(SerializationException.class,
        () -> WireFormat.readMessageIndexes(ByteBuffer.wrap(bytes(0x80, 0x80, 0x80, 0x80, 0x08))));
    assertThrows(SerializationException.class, () -> WireFormat.readMessageIndexes(ByteBuffer.wrap(bytes(0x80))));
    assertThrows(SerializationException.class, () -> WireFormat.readMessageIndexes(ByteBuffer.wrap(bytes(3))));
  }
}
