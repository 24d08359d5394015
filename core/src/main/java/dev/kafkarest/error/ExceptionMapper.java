package dev.kafkarest.error;

import com.fasterxml.jackson.core.JacksonException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.BrokerNotAvailableException;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.SecurityDisabledException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.ThrottlingQuotaExceededException;
import org.apache.kafka.common.errors.TopicDeletionDisabledException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownServerException;
import org.apache.kafka.common.errors.UnknownTopicIdException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns any failure into a {@link RestException}, choosing by exception type (never by message text), in the
 * order Confluent's mappers use. Unexpected failures become a generic 500 and are logged, never echoed.
 */
public final class ExceptionMapper {
  private static final Logger log = LoggerFactory.getLogger(ExceptionMapper.class);

  private ExceptionMapper() {}

  public static RestException toRestException(Throwable failure) {
    Throwable t = unwrap(failure);
    if (t instanceof RestException e) {
      return e;
    }
    if (t instanceof JacksonException e) {
      return Errors.malformedJson(JsonMessages.clean(e));
    }
    if (t instanceof KafkaException e) {
      return fromKafka(e);
    }
    if (t instanceof java.io.IOException || t instanceof java.io.UncheckedIOException) {
      // Reading the request body failed: bytes that are not text, or the client went away mid-body.
      return Errors.badRequest("the request body could not be read.");
    }
    log.error("Unexpected failure while handling a request", t);
    return Errors.internal();
  }

  /** The per-record {@code error_code} of a v2 produce answer, as Confluent assigns it. */
  public static int produceErrorCode(Throwable failure) {
    Throwable t = unwrap(failure);
    if (t instanceof RestException e) {
      return e.errorCode();
    }
    if (t instanceof AuthenticationException) {
      return Errors.KAFKA_AUTHENTICATION;
    }
    if (t instanceof AuthorizationException) {
      return Errors.KAFKA_AUTHORIZATION;
    }
    if (t instanceof RetriableException) {
      return Errors.KAFKA_RETRIABLE;
    }
    return Errors.KAFKA_ERROR;
  }

  public static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  private static RestException fromKafka(KafkaException e) {
    String message = safeKafkaMessage(e);
    if (e instanceof SerializationException) {
      return new RestException(408, Errors.SERIALIZATION, message, e);
    }
    if (e instanceof AuthenticationException) {
      return new RestException(Errors.UNAUTHORIZED, Errors.KAFKA_AUTHENTICATION, message, e);
    }
    if (e instanceof AuthorizationException) {
      return new RestException(Errors.FORBIDDEN, Errors.KAFKA_AUTHORIZATION, message, e);
    }
    if (e instanceof BrokerNotAvailableException) {
      return new RestException(Errors.SERVICE_UNAVAILABLE, Errors.BROKER_NOT_AVAILABLE, message, e);
    }
    if (e instanceof InvalidReplicationFactorException
        || e instanceof SecurityDisabledException
        || e instanceof UnsupportedVersionException
        || e instanceof InvalidPartitionsException
        || e instanceof InvalidRequestException
        || e instanceof UnknownServerException
        || e instanceof PolicyViolationException
        || e instanceof TopicExistsException
        || e instanceof InvalidConfigurationException
        || e instanceof TopicDeletionDisabledException
        || e instanceof InvalidTopicException) {
      return new RestException(Errors.BAD_REQUEST, Errors.KAFKA_BAD_REQUEST, message, e);
    }
    if (e instanceof RecordTooLargeException) {
      return new RestException(Errors.PAYLOAD_TOO_LARGE, Errors.PAYLOAD_TOO_LARGE, message, e);
    }
    if (e instanceof UnknownTopicOrPartitionException || e instanceof UnknownTopicIdException) {
      return new RestException(Errors.NOT_FOUND, Errors.UNKNOWN_TOPIC_OR_PARTITION, message, e);
    }
    if (e instanceof ThrottlingQuotaExceededException) {
      return new RestException(Errors.TOO_MANY_REQUESTS, Errors.KAFKA_QUOTA, message, e);
    }
    if (e instanceof RetriableException) {
      return new RestException(Errors.INTERNAL, Errors.KAFKA_RETRIABLE, message, e);
    }
    return new RestException(Errors.INTERNAL, Errors.KAFKA_ERROR, message, e);
  }

  /** Kafka's own messages name topics and partitions, not secrets; still, keep them bounded. */
  public static String safeKafkaMessage(Throwable e) {
    String message = e.getMessage();
    if (message == null || message.isBlank()) {
      return "Kafka error.";
    }
    return message.length() > 300 ? message.substring(0, 300) + "..." : message;
  }
}
