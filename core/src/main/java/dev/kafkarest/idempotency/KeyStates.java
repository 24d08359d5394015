package dev.kafkarest.idempotency;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The materialised marker topic: per scoped key its latest answer and the claim that holds it. Records are applied
 * by one thread (the reader), in partition order; requests read answers from any thread. Decisions use the times
 * written in the markers, so every node decides the same for the same log.
 */
final class KeyStates {
  private static final class State {
    volatile Marker.Answer answer;
    volatile Held held;
  }

  private record Held(String claimId, byte[] fingerprint, String transactionalId, long timestamp) {}

  private final Map<String, State> states = new ConcurrentHashMap<>();
  private final Map<String, CompletableFuture<Outcome>> pending = new ConcurrentHashMap<>();
  private final long retentionMs;
  private final long claimTimeoutMs;
  private final Clock clock;

  KeyStates(long retentionMs, long claimTimeoutMs, Clock clock) {
    this.retentionMs = retentionMs;
    this.claimTimeoutMs = claimTimeoutMs;
    this.clock = clock;
  }

  /** The answer stored for {@code scopedKey} that is still within the retention now, or null. */
  Marker.Answer answer(String scopedKey) {
    State s = states.get(scopedKey);
    Marker.Answer a = s == null ? null : s.answer;
    return a != null && live(a, clock.millis()) ? a : null;
  }

  /** The outcome of this node's own claim or check, completed when the reader applies it. */
  CompletableFuture<Outcome> await(String claimId) {
    CompletableFuture<Outcome> outcome = new CompletableFuture<>();
    pending.put(claimId, outcome);
    outcome.whenComplete((o, e) -> pending.remove(claimId, outcome));
    return outcome;
  }

  /** An answer this node just committed, known here before the reader reads it back. */
  void answered(String scopedKey, Marker.Answer answer) {
    apply(scopedKey, answer);
  }

  void apply(String scopedKey, Marker marker) {
    State s = states.computeIfAbsent(scopedKey, k -> new State());
    if (marker instanceof Marker.Claim c) {
      long timestamp = c.at();
      Outcome outcome;
      Held held = s.held;
      if (s.answer != null && live(s.answer, timestamp)) {
        outcome = Outcome.answered(s.answer);
      } else if (held != null && timestamp < held.timestamp() + claimTimeoutMs) {
        outcome = Outcome.busy(held.fingerprint());
      } else {
        s.held = new Held(c.claimId(), c.fingerprint(), c.transactionalId(), timestamp);
        outcome = Outcome.won(held == null ? null : held.transactionalId());
      }
      settle(c.claimId(), outcome);
    } else if (marker instanceof Marker.Release r) {
      Held held = s.held;
      if (held != null && held.claimId().equals(r.claimId())) {
        s.held = null;
      }
    } else if (marker instanceof Marker.Check c) {
      long timestamp = c.at();
      Held held = s.held;
      if (s.answer != null && live(s.answer, timestamp)) {
        settle(c.claimId(), Outcome.answered(s.answer));
      } else if (held != null && held.claimId().equals(c.claimId())) {
        settle(c.claimId(), Outcome.won(null));
      } else {
        settle(c.claimId(), Outcome.busy(held == null ? null : held.fingerprint()));
      }
    } else if (marker instanceof Marker.Answer a) {
      if (s.answer == null || s.answer.createdAt() <= a.createdAt()) {
        s.answer = a;
      }
      Held held = s.held;
      if (held != null && held.claimId().equals(a.claimId())) {
        s.held = null;
      }
    }
  }

  private void settle(String claimId, Outcome outcome) {
    CompletableFuture<Outcome> waiter = pending.get(claimId);
    if (waiter != null) {
      waiter.complete(outcome);
    }
  }

  /** Fails every waiting claim, for instance when the reader cannot read the topic. */
  void failPending(Throwable failure) {
    pending.values().forEach(f -> f.completeExceptionally(failure));
  }

  /** Forgets keys whose answer is past the retention and whose claim is stale: bounds the memory to the retention. */
  void purge() {
    long now = clock.millis();
    states.entrySet().removeIf(e -> {
      State s = e.getValue();
      Held held = s.held;
      return (s.answer == null || !live(s.answer, now)) && (held == null || now >= held.timestamp() + claimTimeoutMs);
    });
  }

  /**
   * The producers of claims that are past the claim timeout without an answer or a release, for keys that
   * {@code where} selects: a crashed owner's open transaction may be what holds their partition's reading back.
   */
  java.util.Set<String> staleHolders(java.util.function.Predicate<String> where) {
    long now = clock.millis();
    java.util.Set<String> out = new java.util.HashSet<>();
    states.forEach((key, s) -> {
      Held held = s.held;
      if (held != null && now >= held.timestamp() + claimTimeoutMs && where.test(key)) {
        out.add(held.transactionalId());
      }
    });
    return out;
  }

  int size() {
    return states.size();
  }

  private boolean live(Marker.Answer a, long at) {
    return at < a.createdAt() + retentionMs;
  }
}
