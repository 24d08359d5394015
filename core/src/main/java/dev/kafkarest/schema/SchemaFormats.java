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
      register(formats, new SchemaRegistryClient(RegistrySettings.from(config)),
          SubjectNameStrategy.forKey(config), SubjectNameStrategy.forValue(config));
    }
    return formats;
  }

  /** Adds the three schema formats over a given client. */
  public static RecordFormats register(RecordFormats formats, SchemaRegistryClient registry,
                                       SubjectNameStrategy keySubjects, SubjectNameStrategy valueSubjects) {
    return formats
        .register(new SchemaFormat<>(new AvroSupport(), registry, keySubjects, valueSubjects))
        .register(new SchemaFormat<>(new JsonSchemaSupport(), registry, keySubjects, valueSubjects))
        .register(new SchemaFormat<>(new ProtobufSupport(), registry, keySubjects, valueSubjects));
  }
}
