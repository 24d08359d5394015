package dev.kafkarest.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kafkarest.error.Errors;
import java.nio.CharBuffer;
import java.util.Iterator;
import java.util.Map;

/**
 * Refuses JSON text that is not valid Unicode. Jackson reads an escape such as {@code "\ud800"} (a lone UTF-16
 * surrogate) into a Java string without complaint; written to Kafka it becomes bytes that are not UTF-8 (JSON),
 * a {@code '?'} (Avro, protobuf), or an escape no reader can decode. So a produce body holding one is a 422 and
 * writes nothing.
 */
public final class UnicodeText {
  private UnicodeText() {}

  /** Throws the 422 when {@code len} chars of {@code text} from {@code offset} hold a lone surrogate. */
  public static void check(char[] text, int offset, int len) {
    check(CharBuffer.wrap(text, offset, len));
  }

  public static void check(CharSequence text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
          i++;
        } else {
          throw loneSurrogate(c);
        }
      }
    }
  }

  /** Every string value and field name of a tree. */
  public static void check(JsonNode node) {
    if (node == null) {
      return;
    }
    if (node.isTextual()) {
      check(node.textValue());
    } else if (node.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        check(field.getKey());
        check(field.getValue());
      }
    } else if (node.isArray()) {
      node.forEach(UnicodeText::check);
    }
  }

  private static RuntimeException loneSurrogate(char c) {
    return Errors.unprocessable(String.format("The JSON text holds a lone UTF-16 surrogate (\\u%04x), which is not "
        + "a Unicode character; send the character itself or a complete surrogate pair.", (int) c));
  }
}
