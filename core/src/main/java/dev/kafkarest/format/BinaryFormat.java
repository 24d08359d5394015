package dev.kafkarest.format;

import com.fasterxml.jackson.core.Base64Variants;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamReadException;
import dev.kafkarest.error.Errors;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Base64 strings in JSON, raw bytes in Kafka. */
public final class BinaryFormat implements RecordFormat {
  private static final RecordEncoder IDENTITY = (parsed, isKey) -> (byte[]) parsed;

  @Override
  public EmbeddedFormat format() {
    return EmbeddedFormat.BINARY;
  }

  @Override
  public Object read(JsonParser parser) throws IOException {
    if (parser.currentToken() != JsonToken.VALUE_STRING) {
      String shown = parser.currentToken().isScalarValue() ? parser.getText() : parser.currentToken().asString();
      parser.skipChildren();
      throw Errors.badRequest("data=" + Errors.quote(shown) + " is not a base64 string.");
    }
    try {
      // Decodes straight from the parser's buffer: no intermediate String per record.
      return parser.getBinaryValue(Base64Variants.MIME_NO_LINEFEEDS);
    } catch (StreamReadException e) {
      throw Errors.badRequest("data is not a valid base64 string.");
    }
  }

  @Override
  public CompletionStage<RecordEncoder> encoder(String topic, SchemaSelection schemas) {
    return CompletableFuture.completedFuture(IDENTITY);
  }

  @Override
  public DecodedValue decode(String topic, boolean isKey, byte[] data) {
    return out -> out.writeBinary(Base64Variants.MIME_NO_LINEFEEDS, data, 0, data.length);
  }
}
