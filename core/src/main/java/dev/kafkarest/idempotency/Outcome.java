package dev.kafkarest.idempotency;

/**
 * What the marker log decided for one claim (or check), the same on every node because every node applies the
 * partition in the same order.
 *
 * @param answer the stored answer, when {@link Kind#ANSWERED}
 * @param fingerprint the fingerprint of the request that holds the key, when {@link Kind#BUSY} (may be null)
 * @param takeOver the transactional id of a stale claim this one replaced, to fence first; null for none
 */
record Outcome(Kind kind, Marker.Answer answer, byte[] fingerprint, String takeOver) {
  enum Kind { WON, ANSWERED, BUSY }

  static Outcome won(String takeOver) {
    return new Outcome(Kind.WON, null, null, takeOver);
  }

  static Outcome answered(Marker.Answer answer) {
    return new Outcome(Kind.ANSWERED, answer, answer.fingerprint(), null);
  }

  static Outcome busy(byte[] fingerprint) {
    return new Outcome(Kind.BUSY, null, fingerprint, null);
  }
}
