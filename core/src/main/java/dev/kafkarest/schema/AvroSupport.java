package dev.kafkarest.schema;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kafkarest.error.Errors;
import dev.kafkarest.format.EmbeddedFormat;
import dev.kafkarest.http.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Map;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.io.JsonDecoder;
import org.apache.avro.io.JsonEncoder;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Avro: data travels as Avro's JSON encoding (unions as {@code {"branch": value}}, bytes as ISO-8859-1
 * strings, logical types as their underlying type), like Avro's JsonDecoder/JsonEncoder, in Avro binary in Kafka.
 */
public final class AvroSupport implements SchemaSupport<AvroSupport.AvroSchema> {

  /**
   * A parsed schema with what converting needs. Avro's JSON decoder and encoder build a grammar from the schema
   * when created, which costs more than converting a record: each thread keeps one and reconfigures it.
   * Generic readers and writers are safe to share between threads.
   */
  public static final class AvroSchema {
    private final Schema schema;
    private final GenericDatumReader<Object> reader;
    private final GenericDatumWriter<Object> writer;
    private final ThreadLocal<JsonDecoder> jsonDecoders;
    private final ThreadLocal<JsonEncoder> jsonEncoders;

    AvroSchema(Schema schema) {
      this.schema = schema;
      this.reader = new GenericDatumReader<>(schema);
      this.writer = new GenericDatumWriter<>(schema);
      this.jsonDecoders = ThreadLocal.withInitial(() -> unchecked(() -> DecoderFactory.get().jsonDecoder(schema, "")));
      this.jsonEncoders = ThreadLocal.withInitial(
          () -> unchecked(() -> EncoderFactory.get().jsonEncoder(schema, OutputStream.nullOutputStream())));
    }

    public Schema schema() {
      return schema;
    }
  }

  private interface IoSupplier<T> {
    T get() throws IOException;
  }

  private static <T> T unchecked(IoSupplier<T> supplier) {
    try {
      return supplier.get();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public EmbeddedFormat format() {
    return EmbeddedFormat.AVRO;
  }

  @Override
  public String schemaType() {
    return RegistrySchema.AVRO;
  }

  @Override
  public AvroSchema parse(String schema, Map<String, String> dependencies) {
    try {
      // Referenced schemas define named types the main schema uses: one parser sees them all.
      Schema.Parser parser = new Schema.Parser();
      for (String dependency : dependencies.values()) {
        parser.parse(dependency);
      }
      return new AvroSchema(parser.parse(schema));
    } catch (RuntimeException e) {
      throw new InvalidSchemaException(e.getMessage());
    }
  }

  @Override
  public String recordName(AvroSchema parsed) {
    Schema schema = parsed.schema();
    return switch (schema.getType()) {
      case RECORD, ENUM, FIXED -> schema.getFullName();
      default -> throw new InvalidSchemaException("a record-name subject strategy needs a named Avro type");
    };
  }

  @Override
  public boolean acceptsNull(AvroSchema parsed) {
    Schema schema = parsed.schema();
    return schema.getType() == Schema.Type.NULL
        || schema.getType() == Schema.Type.UNION && schema.getTypes().stream()
            .anyMatch(s -> s.getType() == Schema.Type.NULL);
  }

  @Override
  public byte[] serialize(AvroSchema schema, JsonNode data) {
    Object datum;
    try {
      datum = schema.reader.read(null, schema.jsonDecoders.get().configure(Json.MAPPER.writeValueAsString(data)));
    } catch (IOException | AvroRuntimeException e) {
      throw Errors.badRequest("Conversion of JSON to Avro failed: " + InvalidSchemaException.bound(e.getMessage()));
    } catch (RuntimeException e) {
      throw Errors.badRequest("Conversion of JSON to Avro failed: the data does not match the schema.");
    }
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
      schema.writer.write(datum, encoder);
      encoder.flush();
      return out.toByteArray();
    } catch (IOException | RuntimeException e) {
      throw Errors.badRequest("Conversion of JSON to Avro failed: the data does not match the schema.");
    }
  }

  @Override
  public String toJson(AvroSchema schema, ByteBuffer payload) {
    try {
      BinaryDecoder decoder = DecoderFactory.get()
          .binaryDecoder(payload.array(), payload.arrayOffset() + payload.position(), payload.remaining(), null);
      Object datum = schema.reader.read(null, decoder);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      JsonEncoder encoder = schema.jsonEncoders.get().configure(out);
      schema.writer.write(datum, encoder);
      encoder.flush();
      return out.toString(java.nio.charset.StandardCharsets.UTF_8);
    } catch (IOException | RuntimeException e) {
      throw new SerializationException("Avro payload does not match its writer schema");
    }
  }
}
