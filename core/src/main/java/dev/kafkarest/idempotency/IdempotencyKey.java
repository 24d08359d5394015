package dev.kafkarest.idempotency;

import dev.kafkarest.error.RestException;
import java.util.List;

/**
 * The {@code Idempotency-Key} request header (draft-ietf-httpapi-idempotency-key-header): a Structured Field
 * string ({@code "abc"}, with {@code \"} and {@code \\} escapes) or, as many clients send it, a bare token.
 * Keys are 1 to {@value #MAX_LENGTH} printable ASCII characters.
 */
public record IdempotencyKey(String value) {
  public static final String HEADER = "Idempotency-Key";
  public static final int MAX_LENGTH = 255;

  /** The key of a request, or null when it has none; a malformed or repeated header is a 400. */
  public static IdempotencyKey parse(List<String> headerValues) {
    if (headerValues == null || headerValues.isEmpty()) {
      return null;
    }
    if (headerValues.size() > 1) {
      throw invalid("send the Idempotency-Key header once.");
    }
    String raw = headerValues.get(0).strip();
    String key = raw.startsWith("\"") ? unquote(raw) : token(raw);
    if (key.isEmpty() || key.length() > MAX_LENGTH) {
      throw invalid("the Idempotency-Key must be 1 to " + MAX_LENGTH + " characters.");
    }
    return new IdempotencyKey(key);
  }

  private static String unquote(String raw) {
    StringBuilder key = new StringBuilder(raw.length());
    int i = 1;
    for (; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '"') {
        break;
      }
      if (c == '\\') {
        char next = i + 1 < raw.length() ? raw.charAt(i + 1) : 0;
        if (next != '"' && next != '\\') {
          throw invalid("in a quoted Idempotency-Key only \\\" and \\\\ are escapes.");
        }
        key.append(next);
        i++;
      } else if (c < 0x20 || c > 0x7e) {
        throw invalid("the Idempotency-Key may hold printable ASCII characters only.");
      } else {
        key.append(c);
      }
    }
    if (i != raw.length() - 1) {
      throw invalid("the Idempotency-Key is not a valid quoted string.");
    }
    return key.toString();
  }

  /** A bare key: the characters of an sf-token (tchar, ':' and '/'), so it needs no quoting rules. */
  private static String token(String raw) {
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || "!#$%&'*+-.^_`|~:/".indexOf(c) >= 0;
      if (!ok) {
        throw invalid("the Idempotency-Key must be a quoted string or a token (letters, digits and !#$%&'*+-.^_`|~:/).");
      }
    }
    return raw;
  }

  private static RestException invalid(String detail) {
    return new RestException(400, IdempotencyErrors.INVALID_KEY, "Invalid Idempotency-Key: " + detail);
  }
}
