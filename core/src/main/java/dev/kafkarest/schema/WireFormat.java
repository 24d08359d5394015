package dev.kafkarest.schema;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Confluent's Schema Registry wire format: magic byte 0, a big-endian 4-byte schema id, then the payload
 * (for Protobuf, preceded by the message-index path). Reading rejects anything else with a
 * {@link SerializationException}, which a consumer answers with 408/40801.
 */
public final class WireFormat {
  public static final byte MAGIC = 0;
  public static final int HEADER_SIZE = 5;

  private WireFormat() {}

  /** Header followed by the payload. */
  public static byte[] frame(int schemaId, byte[] payload) {
    return ByteBuffer.allocate(HEADER_SIZE + payload.length).put(MAGIC).putInt(schemaId).put(payload).array();
  }

  /** The schema id of a framed record, leaving {@code buffer} positioned at the payload. */
  public static int readSchemaId(ByteBuffer buffer) {
    if (buffer.remaining() < HEADER_SIZE) {
      throw new SerializationException("record is too short for the Schema Registry wire format");
    }
    byte magic = buffer.get();
    if (magic != MAGIC) {
      throw new SerializationException("unknown magic byte " + (magic & 0xff) + " (expected 0)");
    }
    return buffer.getInt();
  }

  /**
   * Protobuf message-index path: the count, then each index, all as zig-zag varints; the common path [0] is the
   * single byte 0.
   */
  public static byte[] messageIndexes(List<Integer> path) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    if (path.size() == 1 && path.get(0) == 0) {
      out.write(0);
      return out.toByteArray();
    }
    writeZigZagVarint(out, path.size());
    for (int index : path) {
      writeZigZagVarint(out, index);
    }
    return out.toByteArray();
  }

  /** Reads a message-index path written by {@link #messageIndexes}; a count of 0 means [0]. */
  public static List<Integer> readMessageIndexes(ByteBuffer buffer) {
    int count = readZigZagVarint(buffer);
    if (count == 0) {
      return List.of(0);
    }
    // Each index takes at least one byte: a larger count is garbage, not a reason to allocate.
    if (count < 0 || count > buffer.remaining()) {
      throw new SerializationException("invalid protobuf message-index count " + count);
    }
    List<Integer> path = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      int index = readZigZagVarint(buffer);
      if (index < 0) {
        throw new SerializationException("invalid protobuf message index " + index);
      }
      path.add(index);
    }
    return path;
  }

  static void writeZigZagVarint(ByteArrayOutputStream out, int value) {
    int v = (value << 1) ^ (value >> 31);
    while ((v & ~0x7f) != 0) {
      out.write((v & 0x7f) | 0x80);
      v >>>= 7;
    }
    out.write(v);
  }

  static int readZigZagVarint(ByteBuffer buffer) {
    int raw = 0;
    for (int shift = 0; shift < 35; shift += 7) {
      if (!buffer.hasRemaining()) {
        throw new SerializationException("truncated varint in protobuf message indexes");
      }
      byte b = buffer.get();
      raw |= (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        return (raw >>> 1) ^ -(raw & 1);
      }
    }
    throw new SerializationException("varint too long in protobuf message indexes");
  }
}
