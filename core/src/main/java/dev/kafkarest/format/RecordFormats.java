package dev.kafkarest.format;

import dev.kafkarest.error.RestException;
import java.util.EnumMap;
import java.util.Map;

/**
 * The formats this proxy serves. Formats not registered (the schema formats, until a Schema Registry is set up)
 * answer with a clear error instead of failing later.
 */
public final class RecordFormats {
  private final Map<EmbeddedFormat, RecordFormat> formats = new EnumMap<>(EmbeddedFormat.class);

  public RecordFormats register(RecordFormat format) {
    formats.put(format.format(), format);
    return this;
  }

  public static RecordFormats schemaless() {
    return new RecordFormats().register(new BinaryFormat()).register(new JsonFormat());
  }

  public RecordFormat get(EmbeddedFormat format) {
    RecordFormat f = formats.get(format);
    if (f == null) {
      throw new RestException(422, 42206,
          "Payload error. Schema Registry must be configured when using schemas (the "
              + format.name().toLowerCase(java.util.Locale.ROOT) + " format; set schema.registry.url).");
    }
    return f;
  }
}
