package dev.kafkarest.endpoint.v2;

import dev.kafkarest.format.SchemaSelection;
import dev.kafkarest.http.Json;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * A fast path for the common binary produce body, {@code {"records":[{"key":...,"value":"...","partition":n}]}}:
 * base64 is decoded straight from the request bytes, with no tokenizing into characters and no string per
 * record. It accepts only plainly written, valid bodies (no escapes, padded base64, plain non-negative partition
 * numbers, each field at most once) and returns null for anything else, which then goes through the general
 * Jackson reader. So a body it accepts reads exactly as the general reader would read it, and every error is
 * reported by the general reader.
 */
final class BinaryBatchScanner {
  private static final SchemaSelection NO_SCHEMAS = new SchemaSelection(null, null, null, null);
  /** Longer strings are refused by Jackson, so they are left to the general reader to refuse. */
  private static final int MAX_STRING_LENGTH = Json.MAPPER.getFactory().streamReadConstraints().getMaxStringLength();

  private final byte[] body;
  /** The same bytes as a Latin-1 string, for its vectorized indexOf when looking for a string's end. */
  private final String text;
  private int pos;

  private BinaryBatchScanner(byte[] body) {
    this.body = body;
    this.text = new String(body, StandardCharsets.ISO_8859_1);
  }

  /** The parsed request, or null when the body is not in the plain form this scanner reads. */
  static ProduceRequestReader.ParsedRequest scan(byte[] body, int maxRecords) {
    BinaryBatchScanner s = new BinaryBatchScanner(body);
    if (s.text.indexOf('\\') >= 0) {
      return null; // escapes: the general reader decodes them
    }
    List<ProduceRequestReader.ParsedRecord> records = s.body(maxRecords);
    return records == null ? null : new ProduceRequestReader.ParsedRequest(NO_SCHEMAS, records);
  }

  private List<ProduceRequestReader.ParsedRecord> body(int maxRecords) {
    if (!symbol('{') || !name("records") || !symbol(':') || !symbol('[')) {
      return null;
    }
    List<ProduceRequestReader.ParsedRecord> records = new ArrayList<>();
    do {
      if (records.size() >= maxRecords) {
        return null;
      }
      ProduceRequestReader.ParsedRecord r = record();
      if (r == null) {
        return null;
      }
      records.add(r);
    } while (symbol(','));
    if (!symbol(']') || !symbol('}')) {
      return null;
    }
    skipWhitespace();
    return pos == body.length ? records : null;
  }

  private ProduceRequestReader.ParsedRecord record() {
    if (!symbol('{')) {
      return null;
    }
    byte[][] data = new byte[2][]; // key, value
    boolean[] seen = new boolean[2];
    Integer partition = null;
    if (symbol('}')) {
      return new ProduceRequestReader.ParsedRecord(null, null, null);
    }
    do {
      String field = fieldName();
      if (field == null || !symbol(':')) {
        return null;
      }
      if (field.equals("partition")) {
        if (partition != null || (partition = partition()) == null) {
          return null;
        }
      } else {
        int slot = field.equals("key") ? 0 : 1;
        if (seen[slot] || !nullLiteral() && (data[slot] = base64()) == null) {
          return null;
        }
        seen[slot] = true;
      }
    } while (symbol(','));
    return symbol('}') ? new ProduceRequestReader.ParsedRecord(data[0], data[1], partition) : null;
  }

  /** A quoted string of padded base64, decoded; null if it is anything else. */
  private byte[] base64() {
    if (!symbol('"')) {
      return null;
    }
    int start = pos;
    int end = text.indexOf('"', start);
    if (end < 0 || (end - start) % 4 != 0 || end - start > MAX_STRING_LENGTH) {
      return null;
    }
    pos = end + 1;
    try {
      ByteBuffer decoded = Base64.getDecoder().decode(ByteBuffer.wrap(body, start, end - start));
      byte[] array = decoded.array();
      return decoded.remaining() == array.length ? array : Arrays.copyOf(array, decoded.remaining());
    } catch (IllegalArgumentException e) {
      return null; // not base64, or not a string of ASCII characters
    }
  }

  /** 0, or a positive int written without sign or leading zero; null otherwise. */
  private Integer partition() {
    skipWhitespace();
    int start = pos;
    long n = 0;
    while (pos < body.length && body[pos] >= '0' && body[pos] <= '9' && pos - start < 10) {
      n = n * 10 + (body[pos++] - '0');
    }
    int digits = pos - start;
    if (digits == 0 || n > Integer.MAX_VALUE || digits > 1 && body[start] == '0' || pos < body.length
        && (body[pos] == '.' || body[pos] == 'e' || body[pos] == 'E' || body[pos] >= '0' && body[pos] <= '9')) {
      return null;
    }
    return (int) n;
  }

  private String fieldName() {
    if (name("value")) {
      return "value";
    }
    if (name("key")) {
      return "key";
    }
    return name("partition") ? "partition" : null;
  }

  /** Consumes {@code "name"} (after whitespace) if it is next. */
  private boolean name(String name) {
    skipWhitespace();
    int end = pos + name.length() + 2;
    if (end > body.length || body[pos] != '"' || body[end - 1] != '"' || !text.startsWith(name, pos + 1)) {
      return false;
    }
    pos = end;
    return true;
  }

  private boolean nullLiteral() {
    skipWhitespace();
    if (text.startsWith("null", pos)) {
      pos += 4;
      return true;
    }
    return false;
  }

  /** Consumes the character {@code c} (after whitespace) if it is next. */
  private boolean symbol(char c) {
    skipWhitespace();
    if (pos < body.length && body[pos] == c) {
      pos++;
      return true;
    }
    return false;
  }

  private void skipWhitespace() {
    while (pos < body.length && (body[pos] == ' ' || body[pos] == '\n' || body[pos] == '\r' || body[pos] == '\t')) {
      pos++;
    }
  }
}
