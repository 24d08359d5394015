package dev.kafkarest.format;

import dev.kafkarest.http.MediaTypes;
import java.util.Locale;
import java.util.Optional;

/** The embedded formats of the v2 API: how record keys and values travel inside the JSON bodies. */
public enum EmbeddedFormat {
  BINARY(MediaTypes.BINARY_V2),
  JSON(MediaTypes.JSON_V2),
  AVRO(MediaTypes.AVRO_V2),
  JSONSCHEMA(MediaTypes.JSONSCHEMA_V2),
  PROTOBUF(MediaTypes.PROTOBUF_V2);

  private final String mediaType;

  EmbeddedFormat(String mediaType) {
    this.mediaType = mediaType;
  }

  public String mediaType() {
    return mediaType;
  }

  public boolean usesSchemaRegistry() {
    return this == AVRO || this == JSONSCHEMA || this == PROTOBUF;
  }

  /** The format a media type names, if it names one ("application/vnd.kafka.json.v2+json; charset=utf-8"). */
  public static Optional<EmbeddedFormat> fromMediaType(String mediaType) {
    String essence = MediaTypes.essence(mediaType);
    for (EmbeddedFormat f : values()) {
      if (f.mediaType.equals(essence)) {
        return Optional.of(f);
      }
    }
    return Optional.empty();
  }

  /** The format of a consumer's {@code format} field, case-insensitive. */
  public static Optional<EmbeddedFormat> fromName(String name) {
    try {
      return Optional.of(valueOf(name.trim().toUpperCase(Locale.ROOT)));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
