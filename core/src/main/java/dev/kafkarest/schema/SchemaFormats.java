package dev.kafkarest.schema;

import dev.kafkarest.KafkaRestConfig;
import dev.kafkarest.format.RecordFormats;

/**
 * The formats a proxy serves for its config: binary and json always; avro, jsonschema and protobuf when
 * {@code schema.registry.url} is set, all sharing one registry client (and so its caches).
 */
public final class SchemaFormats {
  private SchemaFormats() {}

  public static RecordFormats forConfig(KafkaRestConfig config) {
    RecordFormats formats = RecordFormats.schemaless();
    if (RegistrySettings.isConfigured(config)) {
      register(formats, new SchemaRegistryClient(RegistrySettings.from(config)));
    }
    return formats;
  }

  /** Adds the three schema formats over a given client. */
  public static RecordFormats register(RecordFormats formats, SchemaRegistryClient registry) {
    return formats
        .register(new SchemaFormat<>(new AvroSupport(), registry))
        .register(new SchemaFormat<>(new JsonSchemaSupport(), registry))
        .register(new SchemaFormat<>(new ProtobufSupport(), registry));
  }
}
