package dev.kafkarest.error;

/**
 * A request refused because it went past one of the proxy's limits (413, 422 or 429). {@link #limit} names the
 * setting that sets it, such as {@code consumer.max.instances}, so that metrics can tell which one to raise.
 */
public final class LimitExceeded extends RestException {
  private final String limit;

  public LimitExceeded(String limit, int status, int errorCode, String message) {
    super(status, errorCode, message);
    this.limit = limit;
  }

  /** The configuration key of the limit. */
  public String limit() {
    return limit;
  }
}
