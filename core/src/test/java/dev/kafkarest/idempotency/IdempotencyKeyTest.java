package dev.kafkarest.idempotency;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
        new StoredAnswer(207, "application/json", "{\"x\":1}".getBytes(StandardCharsets.UTF_8)))));
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
}
