package dev.kafkarest.schema;

import dev.kafkarest.KafkaRestConfig;
import java.util.Locale;

/**
 * Confluent's subject name strategies: where a key or value schema is registered. Configured with
 * {@code schema.registry.key.subject.name.strategy} / {@code schema.registry.value.subject.name.strategy}, either
 * Confluent's class name ({@code io.confluent...RecordNameStrategy}) or the v3 name ({@code RECORD_NAME}).
 */
public enum SubjectNameStrategy {
  /** {@code <topic>-key} / {@code <topic>-value}: the default. */
  TOPIC_NAME,
  /** The fully qualified record name. */
  RECORD_NAME,
  /** {@code <topic>-<record name>}. */
  TOPIC_RECORD_NAME;

  public static final String KEY_STRATEGY = "schema.registry.key.subject.name.strategy";
  public static final String VALUE_STRATEGY = "schema.registry.value.subject.name.strategy";

  /** The subject; {@code recordName} is only asked for by the strategies that use it. */
  public String subject(String topic, boolean isKey, java.util.function.Supplier<String> recordName) {
    return switch (this) {
      case TOPIC_NAME -> topic + (isKey ? "-key" : "-value");
      case RECORD_NAME -> recordName.get();
      case TOPIC_RECORD_NAME -> topic + "-" + recordName.get();
    };
  }

  public static SubjectNameStrategy forKey(KafkaRestConfig config) {
    return parse(config.get(KEY_STRATEGY), KEY_STRATEGY);
  }

  public static SubjectNameStrategy forValue(KafkaRestConfig config) {
    return parse(config.get(VALUE_STRATEGY), VALUE_STRATEGY);
  }

  static SubjectNameStrategy parse(String value, String key) {
    if (value == null || value.isBlank()) {
      return TOPIC_NAME;
    }
    String name = value.trim();
    name = name.substring(name.lastIndexOf('.') + 1);
    switch (name) {
      case "TopicNameStrategy" -> name = "TOPIC_NAME";
      case "RecordNameStrategy" -> name = "RECORD_NAME";
      case "TopicRecordNameStrategy" -> name = "TOPIC_RECORD_NAME";
      default -> { }
    }
    try {
      return valueOf(name.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(key + " must be TopicNameStrategy, RecordNameStrategy or "
          + "TopicRecordNameStrategy");
    }
  }
}
