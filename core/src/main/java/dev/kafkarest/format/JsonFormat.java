package dev.kafkarest.format;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import dev.kafkarest.http.Json;
import dev.kafkarest.http.UnicodeText;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.errors.SerializationException;

/** Any JSON value in the request, compact UTF-8 JSON in Kafka (what Confluent's KafkaJsonSerializer writes). */
public final class JsonFormat implements RecordFormat {
  private static final RecordEncoder IDENTITY = (parsed, isKey) -> (byte[]) parsed;

  @Override
  public EmbeddedFormat format() {
    return EmbeddedFormat.JSON;
  }

  @Override
  public Object read(JsonParser parser) throws IOException {
    // Copies the value token by token into compact bytes: no tree, numbers kept exactly as written.
    try (ByteArrayBuilder bytes = new ByteArrayBuilder(256);
         JsonGenerator out = Json.MAPPER.getFactory().createGenerator(bytes)) {
      copyExactly(parser, out);
      out.flush();
      return bytes.toByteArray();
    }
  }

  /**
   * Copies the value at the parser's current token, writing numbers as their source text. Jackson 2.21's
   * {@code copyCurrentStructureExact} does the same; this one runs on every Jackson this library supports.
   */
  static void copyExactly(JsonParser parser, JsonGenerator out) throws IOException {
    int depth = 0;
    JsonToken token = parser.currentToken();
    while (true) {
      switch (token) {
        case START_OBJECT -> {
          out.writeStartObject();
          depth++;
        }
        case START_ARRAY -> {
          out.writeStartArray();
          depth++;
        }
        case END_OBJECT -> {
          out.writeEndObject();
          depth--;
        }
        case END_ARRAY -> {
          out.writeEndArray();
          depth--;
        }
        case FIELD_NAME -> {
          UnicodeText.check(parser.currentName());
          out.writeFieldName(parser.currentName());
        }
        case VALUE_STRING -> {
          UnicodeText.check(parser.getTextCharacters(), parser.getTextOffset(), parser.getTextLength());
          out.writeString(parser.getTextCharacters(), parser.getTextOffset(), parser.getTextLength());
        }
        case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> out.writeNumber(parser.getText());
        case VALUE_TRUE -> out.writeBoolean(true);
        case VALUE_FALSE -> out.writeBoolean(false);
        case VALUE_NULL -> out.writeNull();
        default -> throw new JsonParseException(parser, "unexpected token " + token);
      }
      if (depth == 0) {
        return;
      }
      token = parser.nextToken();
      if (token == null) {
        throw new JsonParseException(parser, "unexpected end of input");
      }
    }
  }

  @Override
  public CompletionStage<RecordEncoder> encoder(String topic, SchemaSelection schemas) {
    return CompletableFuture.completedFuture(IDENTITY);
  }

  @Override
  public DecodedValue decode(String topic, boolean isKey, byte[] data) {
    String text = strictUtf8(data);
    checkIsJson(text);
    return out -> out.writeRawValue(text);
  }

  /** JSON in Kafka must be UTF-8: other encodings would put foreign bytes into the UTF-8 records answer. */
  private static String strictUtf8(byte[] data) {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(data))
          .toString();
    } catch (CharacterCodingException e) {
      throw new SerializationException("record is not UTF-8 JSON");
    }
  }

  /** The records answer embeds the text as it is, so it must be one complete JSON value. */
  private static void checkIsJson(String text) {
    if (text.indexOf('\u0000') >= 0) {
      throw new SerializationException("record is not valid JSON");
    }
    try (JsonParser parser = Json.MAPPER.getFactory().createParser(text)) {
      if (parser.nextToken() == null) {
        throw new SerializationException("record is empty, not JSON");
      }
      parser.skipChildren();
      if (parser.nextToken() != null) {
        throw new SerializationException("record holds more than one JSON value");
      }
    } catch (IOException e) {
      throw new SerializationException("record is not valid JSON");
    }
  }
}
