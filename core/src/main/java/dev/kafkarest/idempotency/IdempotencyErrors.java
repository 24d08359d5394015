package dev.kafkarest.idempotency;

import dev.kafkarest.error.RestException;

/** The error answers of keyed produce, with their {@code error_code}s. */
public final class IdempotencyErrors {
  public static final int INVALID_KEY = 40010;
  public static final int IN_FLIGHT = 40910;
  public static final int KEY_REUSED = 42210;
  public static final int NOT_READY = 50310;
  public static final int NOT_WRITTEN = 50311;

  private IdempotencyErrors() {}

  static RestException inFlight() {
    return new RestException(409, IN_FLIGHT, "A request with this Idempotency-Key is still being processed; "
        + "retry it later with the same key.");
  }

  static RestException keyReused() {
    return new RestException(422, KEY_REUSED, "This Idempotency-Key was already used for a different request "
        + "(another method, path, Content-Type or body); use a new key for a new request.");
  }

  static RestException notReady(String why) {
    return new RestException(503, NOT_READY, "The proxy could not check this Idempotency-Key in time (" + why
        + "); nothing was written. Retry with the same key.");
  }

  /** The commit failed or timed out: whether it took effect is not known until the key is checked again. */
  static RestException outcomeUnknown(String why) {
    return new RestException(503, NOT_WRITTEN, "The request's transaction may or may not have been committed ("
        + why + "). Retry with the same key: the retry gets the stored answer, or writes the records once.");
  }

  /** The key's request was written, but the answer stored for it cannot be read back (a damaged record). */
  static RestException answerUnreadable(Throwable why) {
    return new RestException(500, dev.kafkarest.error.Errors.KAFKA_ERROR, "The request with this Idempotency-Key "
        + "was written, but its stored answer cannot be read (" + why.getMessage() + "). Do not send it again: it "
        + "would not be written twice, and it would get this answer again.", why);
  }

  static RestException notWritten(String why) {
    return new RestException(503, NOT_WRITTEN, "The request's transaction was not committed (" + why
        + "); nothing was written. Retry with the same key.");
  }
}
