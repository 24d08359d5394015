package dev.kafkarest.schema;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.kafkarest.error.Errors;
import dev.kafkarest.error.RestException;
import dev.kafkarest.format.DecodedValue;
import dev.kafkarest.format.EmbeddedFormat;
import dev.kafkarest.format.RecordEncoder;
import dev.kafkarest.format.RecordFormat;
import dev.kafkarest.format.SchemaSelection;
import dev.kafkarest.http.Json;
import dev.kafkarest.http.UnicodeText;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.errors.SerializationException;

/**
 * A schema format (avro, jsonschema, protobuf) over a Schema Registry. Produce: the request's schemas are resolved
 * once (text: look up under {@code <topic>-key|value}, register if absent; id: fetch, and it must be registered
 * under that subject), then each record is converted and framed. Consume: the id in the header names the writer
 * schema. Parsed schemas are cached by id and by text, registry answers by the client.
 */
public final class SchemaFormat<S> implements RecordFormat {
  private static final int MAX_REFERENCE_DEPTH = 16;
  /** The value is one token of a larger body: what follows it is not "trailing" here. */
  private static final ObjectReader TREE_READER =
      Json.MAPPER.reader().without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private final SchemaSupport<S> support;
  private final SchemaRegistryClient registry;
  private final SubjectNameStrategy keySubjects;
  private final SubjectNameStrategy valueSubjects;
  private final LruCache<Integer, CompletableFuture<S>> parsedById;
  private final LruCache<String, CompletableFuture<S>> parsedByText;

  /** A schema resolved for one side (key or value) of a request. */
  record Resolved<S>(int id, S schema) {}

  public SchemaFormat(SchemaSupport<S> support, SchemaRegistryClient registry) {
    this(support, registry, SubjectNameStrategy.TOPIC_NAME, SubjectNameStrategy.TOPIC_NAME);
  }

  public SchemaFormat(SchemaSupport<S> support, SchemaRegistryClient registry, SubjectNameStrategy keySubjects,
                      SubjectNameStrategy valueSubjects) {
    this.support = support;
    this.registry = registry;
    this.keySubjects = keySubjects;
    this.valueSubjects = valueSubjects;
    this.parsedById = new LruCache<>(registry.settings().cacheSize());
    this.parsedByText = new LruCache<>(registry.settings().cacheSize());
  }

  @Override
  public EmbeddedFormat format() {
    return support.format();
  }

  /** The registry this format resolves its schemas in. */
  public SchemaRegistryClient registry() {
    return registry;
  }

  /** The configured subject name strategy for keys or values. */
  public SubjectNameStrategy defaultStrategy(boolean isKey) {
    return isKey ? keySubjects : valueSubjects;
  }

  // --- v3 produce: one key or value at a time, with an explicit subject or strategy ---

  /**
   * A schema given as text: parsed, looked up under the subject ({@code subject}, else from {@code strategy}, else
   * the configured strategy) and registered there if absent. Fails with 400 (does not parse), 42207 or 40301.
   */
  public CompletableFuture<BoundSchema> bindText(String topic, boolean isKey, String subject,
                                                 SubjectNameStrategy strategy, String text) {
    S parsed = parseText(text);
    String actual = subject != null ? subject : subjectOrInvalid(strategy, topic, isKey, parsed);
    RegistrySchema raw = RegistrySchema.of(support.schemaType(), text);
    return registry.lookupOrRegister(actual, raw)
        .thenCompose(id -> registry.registration(actual, raw))
        .handle((registered, failure) -> {
          if (failure != null) {
            throw produceFailure(failure, "Error when registering schema. format = " + format()
                + ", subject = " + Errors.quote(actual) + ".");
          }
          return new BoundSchema(format(), actual, registered.id(), registered.version(), parsed);
        });
  }

  /** A registered schema by id; it must be registered under the subject too, which gives its version. */
  public CompletableFuture<BoundSchema> bindId(String topic, boolean isKey, String subject,
                                               SubjectNameStrategy strategy, int id) {
    return parsedById(id)
        .handle((parsed, failure) -> {
          if (failure != null) {
            throw produceFailure(failure, "Error when fetching schema by id. schemaId = " + id + ".");
          }
          return parsed;
        })
        .thenCompose(parsed -> {
          String actual = subject != null ? subject : subjectOrInvalid(strategy, topic, isKey, parsed);
          return registry.schemaById(id)
              .thenCompose(raw -> registry.registration(actual, raw))
              .handle((registered, failure) -> {
                if (failure != null) {
                  throw produceFailure(failure, "Error when fetching schema version. subject = "
                      + Errors.quote(actual) + ", schemaId = " + id + ".");
                }
                return new BoundSchema(format(), actual, id, registered.version(), parsed);
              });
        });
  }

  /** A schema the registry named (a subject's version, or its latest). */
  public CompletableFuture<BoundSchema> bindRegistered(SchemaRegistryClient.RegisteredSchema registered) {
    return parsedById(registered.id()).handle((parsed, failure) -> {
      if (failure != null) {
        throw produceFailure(failure, "Error when fetching schema version. subject = "
            + Errors.quote(registered.subject()) + ", version = " + registered.version() + ".");
      }
      return new BoundSchema(format(), registered.subject(), registered.id(), registered.version(), parsed);
    });
  }

  /** Kafka bytes for JSON data; a JSON null is a Kafka null when the schema allows null, else 400. */
  @SuppressWarnings("unchecked")
  public byte[] encode(BoundSchema bound, JsonNode data) {
    S schema = (S) bound.parsed();
    if (data == null || data.isNull()) {
      if (!support.acceptsNull(schema)) {
        throw Errors.badRequest("data is null, but the schema does not accept null.");
      }
      return null;
    }
    return WireFormat.frame(bound.id(), support.serialize(schema, data));
  }

  private String subjectOrInvalid(SubjectNameStrategy strategy, String topic, boolean isKey, S parsed) {
    SubjectNameStrategy chosen = strategy != null ? strategy : defaultStrategy(isKey);
    try {
      return chosen.subject(topic, isKey, () -> support.recordName(parsed));
    } catch (InvalidSchemaException e) {
      throw new RestException(Errors.UNPROCESSABLE, Errors.INVALID_SCHEMA, "Invalid schema: " + e.getMessage());
    }
  }

  /** Keeps a tree: the schema may come later in the body, so conversion waits for {@link RecordEncoder#encode}. */
  @Override
  public Object read(JsonParser parser) throws IOException {
    JsonNode tree = TREE_READER.readTree(parser);
    UnicodeText.check(tree);
    return tree;
  }

  @Override
  public CompletionStage<RecordEncoder> encoder(String topic, SchemaSelection schemas) {
    if (schemas.keySchema() != null && schemas.keySchemaId() != null) {
      throw Errors.badRequest("key_schema and key_schema_id cannot both be given.");
    }
    if (schemas.valueSchema() != null && schemas.valueSchemaId() != null) {
      throw Errors.badRequest("value_schema and value_schema_id cannot both be given.");
    }
    CompletableFuture<Resolved<S>> key = resolve(topic, true, schemas.keySchema(), schemas.keySchemaId());
    CompletableFuture<Resolved<S>> value = resolve(topic, false, schemas.valueSchema(), schemas.valueSchemaId());
    return key.thenCombine(value, (k, v) -> new SchemaEncoder<>(support, k, v));
  }

  private String subject(String topic, boolean isKey, S schema) {
    return defaultStrategy(isKey).subject(topic, isKey, () -> support.recordName(schema));
  }

  private CompletableFuture<Resolved<S>> resolve(String topic, boolean isKey, String text, Integer id) {
    if (text != null) {
      S parsed = parseText(text);
      String subject = subjectOrInvalid(null, topic, isKey, parsed);
      return registry.lookupOrRegister(subject, RegistrySchema.of(support.schemaType(), text))
          .handle((resolvedId, failure) -> {
            if (failure != null) {
              throw produceFailure(failure, "Error when registering schema.");
            }
            return new Resolved<>(resolvedId, parsed);
          });
    }
    if (id != null) {
      return parsedById(id)
          .handle((parsed, failure) -> {
            if (failure != null) {
              throw produceFailure(failure, "Error when fetching schema by id. schemaId = " + id + ".");
            }
            return parsed;
          })
          .thenCompose(parsed -> {
            String subject;
            try {
              subject = subject(topic, isKey, parsed);
            } catch (InvalidSchemaException e) {
              throw produceFailure(e, "");
            }
            return registry.schemaById(id)
                .thenCompose(raw -> registry.lookup(subject, raw))
                .handle((ignored, failure) -> {
                  if (failure != null) {
                    throw produceFailure(failure, "Error when fetching schema version. subject = "
                        + Errors.quote(subject) + ", schemaId = " + id + ".");
                  }
                  return new Resolved<>(id, parsed);
                });
          });
    }
    return CompletableFuture.completedFuture(null);
  }

  private S parseText(String text) {
    try {
      return parsedByText.computeIfAbsent(text, t -> {
        try {
          return CompletableFuture.completedFuture(support.parse(t, Map.of()));
        } catch (InvalidSchemaException e) {
          return CompletableFuture.failedFuture(e);
        } catch (RuntimeException e) {
          // A parser bug must still be the client's 400, not a 500.
          return CompletableFuture.failedFuture(new InvalidSchemaException("the schema could not be parsed"));
        }
      }).join();
    } catch (CompletionException e) {
      // The cached failure is kept: the same bad text fails the same way without parsing again.
      throw Errors.badRequest("Error parsing schema with format = " + support.schemaType() + ": "
          + e.getCause().getMessage());
    }
  }

  /** The parsed writer schema for an id: fetched (with its references) and parsed once, then cached. */
  private CompletableFuture<S> parsedById(int id) {
    return LruCache.shared(parsedById, id, () -> registry.schemaById(id).thenCompose(raw -> {
      if (!support.schemaType().equals(raw.schemaType())) {
        throw new InvalidSchemaException("schema " + id + " is a " + Errors.quote(raw.schemaType())
            + " schema, not " + support.schemaType());
      }
      return dependencies(raw.references(), 0).thenApply(deps -> support.parse(raw.schema(), deps));
    }));
  }

  /** Referenced schemas by import name, each after its own references. */
  private CompletableFuture<Map<String, String>> dependencies(List<SchemaReference> references, int depth) {
    CompletableFuture<Map<String, String>> all = CompletableFuture.completedFuture(new LinkedHashMap<>());
    if (references.isEmpty()) {
      return all;
    }
    if (depth > MAX_REFERENCE_DEPTH) {
      return CompletableFuture.failedFuture(new InvalidSchemaException("schema references nest too deeply"));
    }
    for (SchemaReference ref : references) {
      all = all.thenCompose(map -> registry.version(ref.subject(), ref.version())
          .thenCompose(registered -> dependencies(registered.schema().references(), depth + 1)
              .thenApply(nested -> {
                nested.forEach(map::putIfAbsent);
                map.putIfAbsent(ref.name(), registered.schema().schema());
                return map;
              })));
    }
    return all;
  }

  /** A writer schema not yet cached is fetched from the registry. */
  @Override
  public boolean decodeMayWait() {
    return true;
  }

  @Override
  public DecodedValue decode(String topic, boolean isKey, byte[] data) {
    ByteBuffer buffer = ByteBuffer.wrap(data);
    int id = WireFormat.readSchemaId(buffer);
    S schema = awaitWriterSchema(id);
    String json = support.toJson(schema, buffer);
    return out -> out.writeRawValue(json);
  }

  /** Blocks a consumer worker only on a cache miss, and never longer than the registry timeout allows. */
  private S awaitWriterSchema(int id) {
    CompletableFuture<S> future = parsedById(id);
    long boundMs = registry.settings().timeout().toMillis() * (registry.settings().urls().size() + 1) + 500;
    try {
      return future.get(boundMs, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SerializationException("interrupted while fetching schema " + id);
    } catch (TimeoutException e) {
      throw new SerializationException("Schema Registry did not answer in time for schema " + id);
    } catch (ExecutionException e) {
      Throwable t = unwrap(e);
      if (t instanceof SchemaRegistryException r && r.isNotFound()) {
        throw new SerializationException("schema " + id + " is not in the Schema Registry");
      }
      if (t instanceof SchemaRegistryException || t instanceof InvalidSchemaException) {
        throw new SerializationException("Error fetching schema " + id + ": " + t.getMessage());
      }
      throw new SerializationException("Error fetching schema " + id);
    }
  }

  /** Produce-side registry failures: 403/40301 when the registry refuses us, otherwise 422/42207 or 42205. */
  private RestException produceFailure(Throwable failure, String what) {
    Throwable t = unwrap(failure);
    if (t instanceof RestException e) {
      return e;
    }
    if (t instanceof InvalidSchemaException e) {
      return new RestException(Errors.UNPROCESSABLE, Errors.INVALID_SCHEMA, "Invalid schema: " + e.getMessage());
    }
    if (t instanceof SchemaRegistryException e && e.isForbidden()) {
      return new RestException(Errors.FORBIDDEN, Errors.KAFKA_AUTHORIZATION,
          "Schema Registry refused the request: " + e.getMessage());
    }
    String detail = t instanceof SchemaRegistryException ? " " + t.getMessage() : "";
    return new RestException(Errors.UNPROCESSABLE, Errors.SCHEMA_SERIALIZATION,
        "Error serializing message. " + what + detail);
  }

  private static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
