package dev.kafkarest.idempotency;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * One record of the marker topic. All records of a scoped key go to one partition, so every node applies them in
 * the same order: a {@link Claim} asks to run a request, a {@link Release} gives a claim up, a {@link Check} asks
 * again after a take-over, and an {@link Answer} (written in the request's transaction) stores its answer.
 * Claims and answers have different record keys, so compaction keeps the latest answer of a key whatever
 * claims come after it.
 */
sealed interface Marker {
  byte CLAIM = 1;
  byte RELEASE = 2;
  byte CHECK = 3;
  /** An answer with its body as is: written by earlier versions, still read. */
  byte ANSWER = 4;
  /** An answer with its body deflated ({@link StoredAnswer}); versions before it skip it as unknown. */
  byte DEFLATED_ANSWER = 5;

  /**
   * @param transactionalId the producer the owner runs the request with: the one to fence on a take-over
   * @param at the owner's clock when it claimed (not the record's timestamp: the broker bounds that to its own
   *     clock, and tests move the proxy's clock)
   */
  record Claim(String claimId, byte[] fingerprint, String transactionalId, long at) implements Marker {}

  record Release(String claimId) implements Marker {}

  record Check(String claimId, long at) implements Marker {}

  record Answer(String claimId, byte[] fingerprint, long createdAt, StoredAnswer answer) implements Marker {}

  static byte[] recordKey(String scopedKey, Marker marker) {
    return ((marker instanceof Answer ? "a|" : "c|") + scopedKey).getBytes(StandardCharsets.UTF_8);
  }

  /** The scoped key of a record key, or null for a record this proxy did not write. */
  static String scopedKey(byte[] recordKey) {
    if (recordKey == null || recordKey.length < 3 || recordKey[1] != '|') {
      return null;
    }
    return new String(recordKey, 2, recordKey.length - 2, StandardCharsets.UTF_8);
  }

  static byte[] encode(Marker marker) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      if (marker instanceof Claim c) {
        out.writeByte(CLAIM);
        out.writeUTF(c.claimId());
        writeBytes(out, c.fingerprint());
        out.writeUTF(c.transactionalId());
        out.writeLong(c.at());
      } else if (marker instanceof Release r) {
        out.writeByte(RELEASE);
        out.writeUTF(r.claimId());
      } else if (marker instanceof Check c) {
        out.writeByte(CHECK);
        out.writeUTF(c.claimId());
        out.writeLong(c.at());
      } else if (marker instanceof Answer a) {
        out.writeByte(DEFLATED_ANSWER);
        out.writeUTF(a.claimId());
        writeBytes(out, a.fingerprint());
        out.writeLong(a.createdAt());
        out.writeInt(a.answer().status());
        out.writeUTF(a.answer().contentType() == null ? "" : a.answer().contentType());
        writeBytes(out, a.answer().deflated());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** The marker, or null for a value this version does not know (a newer proxy may add kinds). */
  static Marker decode(byte[] value) {
    if (value == null || value.length == 0) {
      return null;
    }
    try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(value))) {
      byte kind = in.readByte();
      switch (kind) {
        case CLAIM:
          return new Claim(in.readUTF(), readBytes(in), in.readUTF(), in.readLong());
        case RELEASE:
          return new Release(in.readUTF());
        case CHECK:
          return new Check(in.readUTF(), in.readLong());
        case ANSWER:
        case DEFLATED_ANSWER:
          String claimId = in.readUTF();
          byte[] fingerprint = readBytes(in);
          long createdAt = in.readLong();
          int status = in.readInt();
          String type = in.readUTF();
          String contentType = type.isEmpty() ? null : type;
          byte[] body = readBytes(in);
          return new Answer(claimId, fingerprint, createdAt, kind == ANSWER
              ? StoredAnswer.of(status, contentType, body) : StoredAnswer.ofDeflated(status, contentType, body));
        default:
          return null;
      }
    } catch (IOException e) {
      return null;
    }
  }

  private static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
    out.writeInt(b.length);
    out.write(b);
  }

  private static byte[] readBytes(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > in.available()) {
      throw new IOException("bad length");
    }
    return in.readNBytes(n);
  }
}
