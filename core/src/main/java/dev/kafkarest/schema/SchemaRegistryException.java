package dev.kafkarest.schema;

/**
 * A failed registry call. {@code httpStatus} is 0 when no answer came (unreachable, timed out); otherwise the
 * registry's status and its {@code error_code}. Messages are safe to show: no URL, no credential, bounded text.
 */
public final class SchemaRegistryException extends RuntimeException {
  /** Registry codes: subject not found, version not found, schema not found. */
  public static final int SUBJECT_NOT_FOUND = 40401;
  public static final int VERSION_NOT_FOUND = 40402;
  public static final int SCHEMA_NOT_FOUND = 40403;

  private final int httpStatus;
  private final int errorCode;

  public SchemaRegistryException(int httpStatus, int errorCode, String message) {
    super(message, null, false, false);
    this.httpStatus = httpStatus;
    this.errorCode = errorCode;
  }

  public int httpStatus() {
    return httpStatus;
  }

  public int errorCode() {
    return errorCode;
  }

  public boolean isNotFound() {
    return httpStatus == 404;
  }

  /** The registry refused the operation (Confluent answers those with 403/40301). */
  public boolean isForbidden() {
    return httpStatus == 403 || errorCode == 40301;
  }
}
