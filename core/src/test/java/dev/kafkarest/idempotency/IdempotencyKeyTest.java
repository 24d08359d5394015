package dev.kafkarest.idempotency;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kafkarest.error.RestException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The header's two forms, its limits, and the marker records' encoding. */
class IdempotencyKeyTest {
  @Test
  void quotedAndBareFormsGiveTheKey() {
    assertEquals("abc", IdempotencyKey.parse(List.of("\"abc\"")).value());
    assertEquals("abc", IdempotencyKey.parse(List.of(" abc ")).value());
    assertEquals("a \"q\" \\b", IdempotencyKey.parse(List.of("\"a \\\"q\\\" \\\\b\"")).value());
    assertEquals("8e0f-ab:1/x", IdempotencyKey.parse(List.of("8e0f-ab:1/x")).value());
    assertNull(IdempotencyKey.parse(List.of()));
    assertEquals(255, IdempotencyKey.parse(List.of("k".repeat(255))).value().length());
  }

  @Test
  void badKeysAre400() {
    for (String bad : List.of("", "\"\"", "a b", "\"open", "\"x\"y", "\"\\n\"", "k".repeat(256), "\"\u00e9\"",
        "caf\u00e9", "a,b")) {
      RestException e = assertThrows(RestException.class, () -> IdempotencyKey.parse(List.of(bad)), bad);
      assertEquals(400, e.status());
      assertEquals(IdempotencyErrors.INVALID_KEY, e.errorCode());
    }
    assertThrows(RestException.class, () -> IdempotencyKey.parse(List.of("a", "b")));
  }

  @Test
  void scopesDifferByPrincipal() {
    assertNotEquals(KeyedRequests.scope("alice", "k"), KeyedRequests.scope("bob", "k"));
    assertNotEquals(KeyedRequests.scope(null, "k"), KeyedRequests.scope("", "k"));
    assertEquals(KeyedRequests.scope("alice", "k"), KeyedRequests.scope("alice", "k"));
  }

  @Test
  void markersSurviveTheirEncoding() {
    byte[] fp = "fingerprint".getBytes(StandardCharsets.UTF_8);
    Marker.Answer a = (Marker.Answer) Marker.decode(Marker.encode(new Marker.Answer("c1", fp, 42L,
        StoredAnswer.of(207, "application/json", "{\"x\":1}".getBytes(StandardCharsets.UTF_8)))));
    assertEquals("c1", a.claimId());
    assertArrayEquals(fp, a.fingerprint());
    assertEquals(42L, a.createdAt());
    assertEquals(207, a.answer().status());
    assertEquals("application/json", a.answer().contentType());
    assertEquals("{\"x\":1}", new String(a.answer().body(), StandardCharsets.UTF_8));
    Marker.Claim c = assertInstanceOf(Marker.Claim.class,
        Marker.decode(Marker.encode(new Marker.Claim("c2", fp, "txn-0", 7L))));
    assertEquals("txn-0", c.transactionalId());
    assertEquals(7L, c.at());
    assertNull(Marker.decode(new byte[] {99}), "an unknown kind is skipped");
    assertNull(Marker.decode(new byte[] {Marker.ANSWER, 0}), "a cut record is skipped");
    assertEquals("abc", Marker.scopedKey(Marker.recordKey("abc", c)));
  }

  /** Answers are stored deflated: a large one fits a record; one stored as is, by an earlier version, still reads. */
  @Test
  void answersAreStoredDeflatedAndAnswersStoredAsIsStillRead() throws Exception {
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < 6000; i++) {
      lines.append("{\"error_code\":200,\"cluster_id\":\"c\",\"topic_name\":\"t\",\"partition_id\":0,\"offset\":")
          .append(i).append(",\"timestamp\":\"2026-12-01T23:00:00.000Z\",\"value\":{\"type\":\"STRING\",\"size\":5}}\n");
    }
    byte[] body = lines.toString().getBytes(StandardCharsets.UTF_8);
    byte[] encoded = Marker.encode(new Marker.Answer("c1", new byte[32], 1L, StoredAnswer.of(200, "application/json",
        body)));
    assertTrue(encoded.length < body.length / 10, encoded.length + " bytes for an answer of " + body.length);
    Marker.Answer back = (Marker.Answer) Marker.decode(encoded);
    assertArrayEquals(body, back.answer().body());

    java.io.ByteArrayOutputStream old = new java.io.ByteArrayOutputStream();
    try (java.io.DataOutputStream out = new java.io.DataOutputStream(old)) {
      out.writeByte(Marker.ANSWER);
      out.writeUTF("c2");
      out.writeInt(2);
      out.write(new byte[] {1, 2});
      out.writeLong(3L);
      out.writeInt(207);
      out.writeUTF("application/json");
      out.writeInt(7);
      out.write("{\"x\":1}".getBytes(StandardCharsets.UTF_8));
    }
    Marker.Answer bad = new Marker.Answer("c3", new byte[32], 1L,
        StoredAnswer.ofDeflated(200, "application/json", new byte[] {-1, 0, 18})); // a damaged record's body
    RestException unreadable = assertThrows(RestException.class, () -> KeyedRequests.replay(bad, new byte[32]));
    assertEquals(500, unreadable.status());
    assertTrue(unreadable.getMessage().contains("was written"), unreadable.getMessage());

    Marker.Answer earlier = (Marker.Answer) Marker.decode(old.toByteArray());
    assertEquals(207, earlier.answer().status());
    assertEquals("{\"x\":1}", new String(earlier.answer().body(), StandardCharsets.UTF_8));
  }
}
