package dev.kafkarest.endpoint.v3;

import java.util.function.LongSupplier;

/**
 * A rate of permits per second with a burst of one second's worth. A request for more than is left fails, except
 * when the bucket is full: then it is granted and the bucket goes into debt, so that a single request larger than
 * the whole rate (a big record against a bytes limit) still passes, once per refill, instead of never.
 */
final class TokenBucket {
  private final double perSecond;
  private final LongSupplier nanoClock;
  private double tokens; // guarded by this
  private long refilledAt; // guarded by this

  TokenBucket(long perSecond, LongSupplier nanoClock) {
    this.perSecond = perSecond;
    this.nanoClock = nanoClock;
    this.tokens = perSecond;
    this.refilledAt = nanoClock.getAsLong();
  }

  synchronized boolean tryTake(long permits) {
    long now = nanoClock.getAsLong();
    long elapsed = Math.max(0, now - refilledAt); // a clock set back refills nothing
    tokens = Math.min(perSecond, tokens + elapsed * perSecond / 1e9);
    refilledAt = now;
    if (tokens >= permits || tokens >= perSecond) {
      tokens -= permits;
      return true;
    }
    return false;
  }

  /** Gives back what {@link #tryTake} took, when a later limit of the same request refused it. */
  synchronized void giveBack(long permits) {
    tokens = Math.min(perSecond, tokens + permits);
  }
}
