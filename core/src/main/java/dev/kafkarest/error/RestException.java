package dev.kafkarest.error;

/**
 * The one error type of the proxy: an HTTP status, a Confluent {@code error_code} and a message that is safe
 * to show a client. Create instances through {@link Errors}.
 */
public class RestException extends RuntimeException {
  private final int status;
  private final int errorCode;

  public RestException(int status, int errorCode, String message) {
    this(status, errorCode, message, null);
  }

  public RestException(int status, int errorCode, String message, Throwable cause) {
    super(message, cause, false, false);
    this.status = status;
    this.errorCode = errorCode;
  }

  public int status() {
    return status;
  }

  public int errorCode() {
    return errorCode;
  }
}
