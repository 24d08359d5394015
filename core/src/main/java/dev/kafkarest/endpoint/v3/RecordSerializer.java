package dev.kafkarest.endpoint.v3;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kafkarest.endpoint.v3.ProduceRecord.Data;
import dev.kafkarest.endpoint.v3.ProduceRecord.Type;
import dev.kafkarest.error.Errors;
import dev.kafkarest.error.ExceptionMapper;
import dev.kafkarest.error.RestException;
import dev.kafkarest.format.EmbeddedFormat;
import dev.kafkarest.format.RecordFormats;
import dev.kafkarest.http.Json;
import dev.kafkarest.schema.BoundSchema;
import dev.kafkarest.schema.RegistrySchema;
import dev.kafkarest.schema.SchemaFormat;
import dev.kafkarest.schema.SchemaRegistryClient;
import dev.kafkarest.schema.SubjectNameStrategy;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/**
 * Turns one v3 key or value into Kafka bytes. BINARY, JSON and STRING are encoded here; the schema types go
 * through the proxy's {@link SchemaFormat}s (and so their caches): a raw schema by its type, and a schema id,
 * version or "latest" through the registry, whose answer names the type (Confluent's SchemaManagerImpl order).
 */
final class RecordSerializer {
  /** The bytes, and what the answer reports: {@code type} null means the side was absent (left out). */
  record Serialized(byte[] bytes, Type type, BoundSchema schema) {
    static final Serialized ABSENT = new Serialized(null, null, null);
  }

  private final RecordFormats formats;

  RecordSerializer(RecordFormats formats) {
    this.formats = formats;
  }

  CompletableFuture<Serialized> serialize(String topic, boolean isKey, Data data) {
    try {
      if (data == null) {
        return CompletableFuture.completedFuture(Serialized.ABSENT);
      }
      if (data.type() != null && !data.type().needsSchema()) {
        return CompletableFuture.completedFuture(new Serialized(schemaless(data), data.type(), null));
      }
      CompletableFuture<BoundSchema> bound = data.type() != null
          ? schemaFormat(EmbeddedFormat.valueOf(data.type().name()))
              .bindText(topic, isKey, data.subject(), data.strategy(), data.schema())
          : fromRegistry(topic, isKey, data);
      return bound.thenApply(b -> new Serialized(schemaFormat(b.format()).encode(b, data.data()),
          Type.valueOf(b.format().name()), b));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private static byte[] schemaless(Data data) {
    JsonNode node = data.data();
    if (node == null || node.isNull()) {
      return null;
    }
    return switch (data.type()) {
      case BINARY -> ProduceRecord.base64(node, "data");
      case JSON -> Json.bytes(node);
      case STRING -> {
        if (!node.isTextual()) {
          throw Errors.badRequest("data=" + Errors.quote(node) + " is not a string.");
        }
        yield node.textValue().getBytes(StandardCharsets.UTF_8);
      }
      default -> throw new IllegalStateException("not a schemaless type: " + data.type());
    };
  }

  /** No type: the schema is a registered one, by id, by version of the subject, or the subject's latest. */
  private CompletableFuture<BoundSchema> fromRegistry(String topic, boolean isKey, Data data) {
    SchemaFormat<?> any = anySchemaFormat();
    SchemaRegistryClient registry = any.registry();
    if (data.schemaId() != null) {
      int id = data.schemaId();
      return registry.schemaById(id)
          .exceptionally(failure -> {
            throw serializationError(failure, "Error when fetching schema by id. schemaId = " + id);
          })
          .thenCompose(raw -> forType(raw.schemaType()).bindId(topic, isKey, data.subject(), data.strategy(), id));
    }
    String subject = data.subject() != null ? data.subject() : subjectWithoutSchema(topic, isKey, data, any);
    CompletableFuture<SchemaRegistryClient.RegisteredSchema> registered;
    if (data.schemaVersion() != null) {
      int version = data.schemaVersion();
      registered = registry.version(subject, version).exceptionally(failure -> {
        throw Errors.badRequest("Schema does not exist for subject: " + Errors.quote(subject)
            + ", version: " + version);
      });
    } else {
      registered = registry.latest(subject).exceptionally(failure -> {
        throw serializationError(failure, "Error when fetching latest schema version. subject = "
            + Errors.quote(subject));
      });
    }
    return registered.thenCompose(r -> forType(r.schema().schemaType()).bindRegistered(r));
  }

  /** Only strategies that need no schema can name the subject before the schema is known. */
  private static String subjectWithoutSchema(String topic, boolean isKey, Data data, SchemaFormat<?> any) {
    SubjectNameStrategy strategy = data.strategy() != null ? data.strategy() : any.defaultStrategy(isKey);
    if (strategy != SubjectNameStrategy.TOPIC_NAME) {
      throw Errors.badRequest(data.strategy() != null
          ? "Cannot use schema_subject_strategy=" + strategy + " without schema_id or schema."
          : "Cannot use default schema_subject_strategy without schema_id or schema.");
    }
    return strategy.subject(topic, isKey, () -> null);
  }

  private SchemaFormat<?> forType(String schemaType) {
    return switch (schemaType) {
      case RegistrySchema.AVRO -> schemaFormat(EmbeddedFormat.AVRO);
      case RegistrySchema.JSON -> schemaFormat(EmbeddedFormat.JSONSCHEMA);
      case RegistrySchema.PROTOBUF -> schemaFormat(EmbeddedFormat.PROTOBUF);
      default -> throw Errors.badRequest("Schema type " + Errors.quote(schemaType) + " is not supported.");
    };
  }

  private SchemaFormat<?> schemaFormat(EmbeddedFormat format) {
    return (SchemaFormat<?>) formats.get(format);
  }

  private SchemaFormat<?> anySchemaFormat() {
    for (EmbeddedFormat f : new EmbeddedFormat[] {EmbeddedFormat.AVRO, EmbeddedFormat.JSONSCHEMA,
        EmbeddedFormat.PROTOBUF}) {
      if (formats.find(f).orElse(null) instanceof SchemaFormat<?> schemaFormat) {
        return schemaFormat;
      }
    }
    throw new RestException(Errors.UNPROCESSABLE, Errors.PAYLOAD_ERROR,
        "Payload error. Schema Registry must be configured when using schemas.");
  }

  private static RestException serializationError(Throwable failure, String what) {
    Throwable t = ExceptionMapper.unwrap(failure);
    if (t instanceof RestException e) {
      return e;
    }
    if (t instanceof dev.kafkarest.schema.SchemaRegistryException e && e.isForbidden()) {
      return new RestException(Errors.FORBIDDEN, Errors.KAFKA_AUTHORIZATION, what);
    }
    return new RestException(Errors.UNPROCESSABLE, Errors.SCHEMA_SERIALIZATION,
        "Error serializing message. " + what + (t.getMessage() == null ? "" : " " + t.getMessage()));
  }
}
