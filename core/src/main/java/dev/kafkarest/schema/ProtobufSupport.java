package dev.kafkarest.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.kafkarest.error.Errors;
import dev.kafkarest.format.EmbeddedFormat;
import dev.kafkarest.http.Json;
import dev.kafkarest.schema.proto.ProtoFiles;
import dev.kafkarest.schema.proto.ProtoParseException;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Protobuf: data travels as the protobuf JSON mapping (JsonFormat), in Kafka as the binary message after the
 * message-index path. Produce writes the schema's first message (path [0]), as Confluent's serializer does for a
 * schema given as text; consume follows whatever path the writer put in the record.
 */
public final class ProtobufSupport implements SchemaSupport<ProtobufSupport.ProtoSchema> {
  private static final byte[] FIRST_MESSAGE = WireFormat.messageIndexes(List.of(0));

  /**
   * A parsed schema with its JSON converters. They know every message of the schema and its imports, so a
   * {@code google.protobuf.Any} holding one of them converts too.
   */
  public record ProtoSchema(FileDescriptor file, JsonFormat.Parser parser, JsonFormat.Printer printer) {
    static ProtoSchema of(FileDescriptor file) {
      JsonFormat.TypeRegistry types = JsonFormat.TypeRegistry.newBuilder().add(file.getMessageTypes()).build();
      JsonFormat.Printer printer = printingFieldsWithNoPresence(JsonFormat.printer().usingTypeRegistry(types));
      return new ProtoSchema(file, JsonFormat.parser().usingTypeRegistry(types),
          printer.omittingInsignificantWhitespace());
    }
  }

  /**
   * Unset fields without presence are printed with their default, as Confluent's proxy answers. protobuf-java-util
   * 3.x names this {@code includingDefaultValueFields()}, 4.x {@code alwaysPrintFieldsWithNoPresence()} (and drops
   * the old name); the host picks the version, so the method is found at run time.
   */
  private static final Method PRINT_FIELDS_WITH_NO_PRESENCE = printerMethod(
      "alwaysPrintFieldsWithNoPresence", "includingDefaultValueFields");

  private static Method printerMethod(String... names) {
    for (String name : names) {
      try {
        return JsonFormat.Printer.class.getMethod(name);
      } catch (NoSuchMethodException e) {
        // try the older name
      }
    }
    throw new IllegalStateException("protobuf-java-util's JsonFormat.Printer has none of " + List.of(names)
        + ": an unsupported version");
  }

  private static JsonFormat.Printer printingFieldsWithNoPresence(JsonFormat.Printer printer) {
    try {
      return (JsonFormat.Printer) PRINT_FIELDS_WITH_NO_PRESENCE.invoke(printer);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("JsonFormat.Printer." + PRINT_FIELDS_WITH_NO_PRESENCE.getName() + " failed", e);
    }
  }

  @Override
  public EmbeddedFormat format() {
    return EmbeddedFormat.PROTOBUF;
  }

  @Override
  public String schemaType() {
    return RegistrySchema.PROTOBUF;
  }

  @Override
  public ProtoSchema parse(String schema, Map<String, String> dependencies) {
    FileDescriptor file;
    try {
      file = ProtoFiles.build(schema, dependencies);
    } catch (ProtoParseException | IllegalArgumentException e) {
      throw new InvalidSchemaException(e.getMessage());
    }
    if (file.getMessageTypes().isEmpty()) {
      throw new InvalidSchemaException("the schema defines no message");
    }
    return ProtoSchema.of(file);
  }

  @Override
  public String recordName(ProtoSchema schema) {
    return schema.file().getMessageTypes().get(0).getFullName();
  }

  @Override
  public boolean acceptsNull(ProtoSchema schema) {
    return true;
  }

  @Override
  public byte[] serialize(ProtoSchema schema, JsonNode data) {
    DynamicMessage.Builder message = DynamicMessage.newBuilder(schema.file().getMessageTypes().get(0));
    try {
      schema.parser().merge(Json.MAPPER.writeValueAsString(data), message);
    } catch (InvalidProtocolBufferException e) {
      throw Errors.badRequest("Conversion of JSON to Protobuf failed: "
          + InvalidSchemaException.bound(e.getMessage()));
    } catch (IOException | RuntimeException e) {
      throw Errors.badRequest("Conversion of JSON to Protobuf failed: the data does not match the schema.");
    }
    if (!message.isInitialized()) {
      // proto2 required fields (and editions' LEGACY_REQUIRED) left out: the message cannot be written.
      throw Errors.badRequest("Conversion of JSON to Protobuf failed: required fields are missing: "
          + InvalidSchemaException.bound(String.join(", ", message.findInitializationErrors())));
    }
    byte[] body = message.build().toByteArray();
    byte[] out = new byte[FIRST_MESSAGE.length + body.length];
    System.arraycopy(FIRST_MESSAGE, 0, out, 0, FIRST_MESSAGE.length);
    System.arraycopy(body, 0, out, FIRST_MESSAGE.length, body.length);
    return out;
  }

  @Override
  public String toJson(ProtoSchema schema, ByteBuffer payload) {
    Descriptor type = messageAt(schema.file(), WireFormat.readMessageIndexes(payload));
    try {
      DynamicMessage message = DynamicMessage.parseFrom(type, CodedInputStream.newInstance(payload));
      return schema.printer().print(message);
    } catch (IOException | RuntimeException e) {
      throw new SerializationException("Protobuf payload does not match its writer schema");
    }
  }

  /** The message a message-index path names: top-level index, then nested indexes. */
  static Descriptor messageAt(FileDescriptor file, List<Integer> path) {
    List<Descriptor> candidates = file.getMessageTypes();
    Descriptor found = null;
    for (int index : path) {
      if (index >= candidates.size()) {
        throw new SerializationException("protobuf message index " + index + " is not in the writer schema");
      }
      found = candidates.get(index);
      candidates = found.getNestedTypes();
    }
    return found;
  }
}
