package dev.kafkarest.format;

import dev.kafkarest.error.RestException;
import java.util.EnumMap;
import java.util.Map;

/**
 * The formats this proxy serves. Formats not registered (the schema formats, until a Schema Registry is set up
 * and while their library is missing) answer with a clear error instead of failing later.
 */
public final class RecordFormats {
  private final Map<EmbeddedFormat, RecordFormat> formats = new EnumMap<>(EmbeddedFormat.class);
  private final Map<EmbeddedFormat, String> unavailable = new EnumMap<>(EmbeddedFormat.class);

  public RecordFormats register(RecordFormat format) {
    formats.put(format.format(), format);
    unavailable.remove(format.format());
    return this;
  }

  /** A format this proxy cannot serve, with the reason a request for it is answered (422, 42206). */
  public RecordFormats unavailable(EmbeddedFormat format, String reason) {
    formats.remove(format);
    unavailable.put(format, reason);
    return this;
  }

  public static RecordFormats schemaless() {
    return new RecordFormats().register(new BinaryFormat()).register(new JsonFormat());
  }

  /** The format when this proxy serves it, without the error {@link #get} would answer. */
  public java.util.Optional<RecordFormat> find(EmbeddedFormat format) {
    return java.util.Optional.ofNullable(formats.get(format));
  }

  public RecordFormat get(EmbeddedFormat format) {
    RecordFormat f = formats.get(format);
    if (f == null && unavailable.containsKey(format)) {
      throw new RestException(422, 42206, unavailable.get(format));
    }
    if (f == null) {
      throw new RestException(422, 42206,
          "Payload error. Schema Registry must be configured when using schemas (the "
              + format.name().toLowerCase(java.util.Locale.ROOT) + " format; set schema.registry.url).");
    }
    return f;
  }
}
