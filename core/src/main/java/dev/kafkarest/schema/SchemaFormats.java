package dev.kafkarest.schema;

import dev.kafkarest.KafkaRestConfig;
import dev.kafkarest.format.RecordFormats;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The formats a proxy serves for its config: binary and json always; avro, jsonschema and protobuf when
 * {@code schema.registry.url} is set and the format's library is on the classpath, all sharing one registry
 * client (and so its caches).
 */
public final class SchemaFormats {
  private static final Logger log = LoggerFactory.getLogger(SchemaFormats.class);

  private SchemaFormats() {}

  public static RecordFormats forConfig(KafkaRestConfig config) {
    RecordFormats formats = RecordFormats.schemaless();
    if (RegistrySettings.isConfigured(config)) {
      register(formats, new SchemaRegistryClient(RegistrySettings.from(config)),
          SubjectNameStrategy.forKey(config), SubjectNameStrategy.forValue(config));
    }
    return formats;
  }

  /** Adds the schema formats over a given client; a format whose library is missing answers why. */
  public static RecordFormats register(RecordFormats formats, SchemaRegistryClient registry,
                                       SubjectNameStrategy keySubjects, SubjectNameStrategy valueSubjects) {
    for (SchemaLibrary library : SchemaLibrary.values()) {
      if (library.isPresent()) {
        formats.register(new SchemaFormat<>(library.support(), registry, keySubjects, valueSubjects));
      } else {
        String name = library.format().name().toLowerCase(Locale.ROOT);
        log.info("The {} format is off: {} is not on the classpath", name, library.artifacts());
        formats.unavailable(library.format(), "Payload error. The " + name + " format needs "
            + library.artifacts() + " on the proxy's classpath; add it to the application's dependencies.");
      }
    }
    return formats;
  }
}
