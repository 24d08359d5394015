package dev.kafkarest.error;

/**
 * The catalogue of answers the proxy gives, with Confluent's status and {@code error_code} for each.
 * Messages never echo unbounded client input: values quoted back are cut by {@link #quote}.
 */
public final class Errors {
  public static final int BAD_REQUEST = 400;
  public static final int UNAUTHORIZED = 401;
  public static final int FORBIDDEN = 403;
  public static final int NOT_FOUND = 404;
  public static final int METHOD_NOT_ALLOWED = 405;
  public static final int NOT_ACCEPTABLE = 406;
  public static final int PAYLOAD_TOO_LARGE = 413;
  public static final int UNSUPPORTED_MEDIA_TYPE = 415;
  public static final int UNPROCESSABLE = 422;
  public static final int TOO_MANY_REQUESTS = 429;
  public static final int INTERNAL = 500;
  public static final int SERVICE_UNAVAILABLE = 503;

  public static final int INVALID_CONSUMER_CONFIG_CONSTRAINT = 40001;
  public static final int KAFKA_BAD_REQUEST = 40002;
  public static final int KAFKA_AUTHENTICATION = 40101;
  public static final int KAFKA_AUTHORIZATION = 40301;
  public static final int TOPIC_NOT_FOUND = 40401;
  public static final int PARTITION_NOT_FOUND = 40402;
  public static final int CONSUMER_INSTANCE_NOT_FOUND = 40403;
  public static final int UNKNOWN_TOPIC_OR_PARTITION = 40403;
  public static final int CONSUMER_FORMAT_MISMATCH = 40601;
  public static final int SERIALIZATION = 40801;
  public static final int CONSUMER_ALREADY_EXISTS = 40902;
  public static final int ILLEGAL_STATE = 40903;
  public static final int KEY_SCHEMA_MISSING = 42201;
  public static final int VALUE_SCHEMA_MISSING = 42202;
  public static final int INVALID_CONSUMER_CONFIG = 42204;
  public static final int INVALID_SCHEMA = 42205;
  public static final int PAYLOAD_ERROR = 42206;
  public static final int SCHEMA_SERIALIZATION = 42207;
  public static final int KAFKA_QUOTA = 42901;
  public static final int KAFKA_ERROR = 50002;
  public static final int KAFKA_RETRIABLE = 50003;
  public static final int BROKER_NOT_AVAILABLE = 50302;

  private static final int MAX_QUOTED = 80;

  private Errors() {}

  public static RestException notFound() {
    return new RestException(NOT_FOUND, NOT_FOUND, "HTTP 404 Not Found");
  }

  public static RestException methodNotAllowed() {
    return new RestException(METHOD_NOT_ALLOWED, METHOD_NOT_ALLOWED, "HTTP 405 Method Not Allowed");
  }

  /**
   * A 415 that says what the endpoint reads, so that a newcomer sending {@code application/json} (or curl's
   * default form type) learns which Content-Type to send. {@code sent} is null when the request had none.
   */
  public static RestException unsupportedMediaType(String sent, java.util.Collection<String> accepted) {
    String got = sent == null ? "no Content-Type" : "Content-Type " + quote(sent);
    return new RestException(UNSUPPORTED_MEDIA_TYPE, UNSUPPORTED_MEDIA_TYPE, "HTTP 415 Unsupported Media Type: "
        + "got " + got + "; this endpoint reads " + String.join(", ", new java.util.TreeSet<>(accepted)) + ".");
  }

  public static RestException notAcceptable() {
    return new RestException(NOT_ACCEPTABLE, NOT_ACCEPTABLE, "HTTP 406 Not Acceptable");
  }

  public static RestException badRequest(String detail) {
    return new RestException(BAD_REQUEST, BAD_REQUEST, "Bad Request: " + detail);
  }

  public static RestException malformedJson(String detail) {
    return new RestException(BAD_REQUEST, BAD_REQUEST, detail);
  }

  public static RestException unprocessable(String message) {
    return new RestException(UNPROCESSABLE, UNPROCESSABLE, message);
  }

  public static RestException unrecognizedField(String name) {
    return unprocessable("Unrecognized field: " + quote(name));
  }

  /** 422/42206, Confluent's "Payload error. ..." (for example an empty v3 body). */
  public static RestException invalidPayload(String detail) {
    return new RestException(UNPROCESSABLE, PAYLOAD_ERROR, "Payload error. " + detail);
  }

  public static RestException requestTooLarge(long limit) {
    return new LimitExceeded(dev.kafkarest.KafkaRestConfig.REQUEST_MAX_BYTES, PAYLOAD_TOO_LARGE, PAYLOAD_TOO_LARGE,
        "Request body is larger than the limit of " + limit + " bytes.");
  }

  public static RestException topicNotFound() {
    return new RestException(NOT_FOUND, UNKNOWN_TOPIC_OR_PARTITION, "This server does not host this topic-partition.");
  }

  public static RestException partitionNotFound() {
    return new RestException(NOT_FOUND, PARTITION_NOT_FOUND, "Partition not found.");
  }

  public static RestException consumerInstanceNotFound() {
    return new RestException(NOT_FOUND, CONSUMER_INSTANCE_NOT_FOUND, "Consumer instance not found.");
  }

  public static RestException consumerAlreadyExists() {
    return new RestException(409, CONSUMER_ALREADY_EXISTS,
        "Consumer with specified consumer ID already exists in the specified consumer group.");
  }

  public static RestException illegalState(String detail) {
    return new RestException(409, ILLEGAL_STATE, "Illegal state: " + detail);
  }

  public static RestException consumerFormatMismatch() {
    return new RestException(NOT_ACCEPTABLE, CONSUMER_FORMAT_MISMATCH,
        "The requested embedded data format does not match the deserializer for this consumer instance");
  }

  public static RestException invalidConsumerConfig(String detail) {
    return new RestException(UNPROCESSABLE, INVALID_CONSUMER_CONFIG, "Invalid consumer configuration: " + detail);
  }

  public static RestException invalidConsumerConstraint(String detail) {
    return new RestException(UNPROCESSABLE, INVALID_CONSUMER_CONFIG_CONSTRAINT,
        "Invalid consumer configuration. It does not abide by the constraints: " + detail);
  }

  public static RestException tooManyConsumers(int limit) {
    return new LimitExceeded(dev.kafkarest.KafkaRestConfig.CONSUMER_MAX_INSTANCES, TOO_MANY_REQUESTS, TOO_MANY_REQUESTS,
        "Too many consumer instances: this proxy allows at most " + limit + ".");
  }

  public static RestException serialization(String detail) {
    return new RestException(408, SERIALIZATION, "Error deserializing record: " + detail);
  }

  public static RestException unavailable(String detail) {
    return new RestException(SERVICE_UNAVAILABLE, SERVICE_UNAVAILABLE, detail);
  }

  public static RestException internal() {
    return new RestException(INTERNAL, INTERNAL, "Internal Server Error");
  }

  /** Quotes a client-supplied value for a message, cut to a safe length. */
  public static String quote(Object value) {
    String text = String.valueOf(value);
    if (text.length() > MAX_QUOTED) {
      text = text.substring(0, MAX_QUOTED) + "...";
    }
    return text.replaceAll("\\p{Cntrl}", "?");
  }
}
