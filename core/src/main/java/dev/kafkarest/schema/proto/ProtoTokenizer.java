package dev.kafkarest.schema.proto;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits {@code .proto} text into tokens as protoc's tokenizer does: identifiers (no dots: {@code a.b} is three
 * tokens), integers, floats, quoted strings and single-character symbols. Comments and whitespace are dropped.
 * A string token's text is its bytes after escapes, one char per byte (ISO-8859-1), because {@code \x} and octal
 * escapes stand for bytes, not characters; {@link #utf8} turns it into text.
 */
final class ProtoTokenizer {
  enum Kind { IDENT, INT, FLOAT, STRING, SYMBOL }

  /** A token; {@code start}/{@code end} are offsets into the text (aggregate option values are cut out raw). */
  record Token(Kind kind, String text, int line, int column, int start, int end) {
    boolean is(String s) {
      return kind != Kind.STRING && text.equals(s);
    }
  }

  private final String in;
  private final String file;
  private int pos;
  private int line = 1;
  private int lineStart;

  private ProtoTokenizer(String in, String file) {
    this.in = in;
    this.file = file;
  }

  static List<Token> tokenize(String text, String file) {
    return new ProtoTokenizer(text, file).all();
  }

  /** A string token's bytes read as UTF-8, as protoc reads names and string values. */
  static String utf8(String bytes) {
    return new String(bytes.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
  }

  private List<Token> all() {
    List<Token> tokens = new ArrayList<>();
    while (true) {
      skipSpaceAndComments();
      if (pos >= in.length()) {
        return tokens;
      }
      int start = pos;
      int column = pos - lineStart + 1;
      char c = in.charAt(pos);
      Kind kind;
      String text;
      if (isLetter(c)) {
        while (pos < in.length() && (isLetter(in.charAt(pos)) || isDigit(in.charAt(pos)))) {
          pos++;
        }
        kind = Kind.IDENT;
        text = in.substring(start, pos);
      } else if (isDigit(c) || c == '.' && pos + 1 < in.length() && isDigit(in.charAt(pos + 1))) {
        kind = number();
        text = in.substring(start, pos);
      } else if (c == '"' || c == '\'') {
        kind = Kind.STRING;
        text = string(c, column);
      } else {
        pos++;
        kind = Kind.SYMBOL;
        text = String.valueOf(c);
      }
      tokens.add(new Token(kind, text, line, column, start, pos));
    }
  }

  private static boolean isLetter(char c) {
    return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_';
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private void skipSpaceAndComments() {
    while (pos < in.length()) {
      char c = in.charAt(pos);
      if (c == '\n') {
        pos++;
        line++;
        lineStart = pos;
      } else if (Character.isWhitespace(c)) {
        pos++;
      } else if (in.startsWith("//", pos)) {
        while (pos < in.length() && in.charAt(pos) != '\n') {
          pos++;
        }
      } else if (in.startsWith("/*", pos)) {
        int end = in.indexOf("*/", pos + 2);
        if (end < 0) {
          throw error("unterminated comment", pos - lineStart + 1);
        }
        for (int i = pos; i < end; i++) {
          if (in.charAt(i) == '\n') {
            line++;
            lineStart = i + 1;
          }
        }
        pos = end + 2;
      } else {
        return;
      }
    }
  }

  private Kind number() {
    int column = pos - lineStart + 1;
    if (in.startsWith("0x", pos) || in.startsWith("0X", pos)) {
      pos += 2;
      int digits = pos;
      while (pos < in.length() && Character.digit(in.charAt(pos), 16) >= 0) {
        pos++;
      }
      if (pos == digits) {
        throw error("\"0x\" must be followed by hex digits", column);
      }
      return endOfNumber(Kind.INT, column);
    }
    boolean isFloat = false;
    while (pos < in.length() && isDigit(in.charAt(pos))) {
      pos++;
    }
    if (pos < in.length() && in.charAt(pos) == '.') {
      isFloat = true;
      pos++;
      while (pos < in.length() && isDigit(in.charAt(pos))) {
        pos++;
      }
    }
    if (pos < in.length() && (in.charAt(pos) == 'e' || in.charAt(pos) == 'E')) {
      isFloat = true;
      pos++;
      if (pos < in.length() && (in.charAt(pos) == '+' || in.charAt(pos) == '-')) {
        pos++;
      }
      int digits = pos;
      while (pos < in.length() && isDigit(in.charAt(pos))) {
        pos++;
      }
      if (pos == digits) {
        throw error("\"e\" must be followed by exponent", column);
      }
    }
    if (isFloat && pos < in.length() && (in.charAt(pos) == 'f' || in.charAt(pos) == 'F')) {
      pos++;
    }
    return endOfNumber(isFloat ? Kind.FLOAT : Kind.INT, column);
  }

  private Kind endOfNumber(Kind kind, int column) {
    if (pos < in.length() && (isLetter(in.charAt(pos)) || in.charAt(pos) == '.')) {
      throw error("need space between number and identifier", column);
    }
    return kind;
  }

  private String string(char quote, int column) {
    pos++;
    StringBuilder out = new StringBuilder();
    while (true) {
      if (pos >= in.length() || in.charAt(pos) == '\n') {
        throw error("unterminated string", column);
      }
      char c = in.charAt(pos++);
      if (c == quote) {
        return out.toString();
      }
      if (c != '\\') {
        appendUtf8(out, c < 0x80 ? c : Character.codePointAt(in, pos - 1));
        if (Character.isHighSurrogate(c) && pos < in.length()) {
          pos++;
        }
        continue;
      }
      if (pos >= in.length()) {
        throw error("unterminated string", column);
      }
      char e = in.charAt(pos++);
      switch (e) {
        case 'n' -> out.append('\n');
        case 't' -> out.append('\t');
        case 'r' -> out.append('\r');
        case 'a' -> out.append('\u0007');
        case 'b' -> out.append('\b');
        case 'f' -> out.append('\f');
        case 'v' -> out.append('\u000b');
        case '\\', '\'', '"', '?' -> out.append(e);
        case 'x', 'X' -> out.append((char) (digits(16, 2, 1) & 0xff));
        case 'u' -> appendUtf8(out, digits(16, 4, 4));
        case 'U' -> {
          int codePoint = digits(16, 8, 8);
          if (codePoint > 0x10ffff) {
            throw error("\\U escape beyond U+10FFFF", pos - lineStart + 1);
          }
          appendUtf8(out, codePoint);
        }
        default -> {
          if (e >= '0' && e <= '7') {
            pos--;
            out.append((char) (digits(8, 3, 1) & 0xff));
          } else {
            throw error("invalid escape sequence in string literal", pos - lineStart);
          }
        }
      }
    }
  }

  private static void appendUtf8(StringBuilder out, int codePoint) {
    // Unpaired surrogates from \\u escapes are written as protoc writes them: three bytes each.
    if (codePoint < 0x80) {
      out.append((char) codePoint);
    } else if (codePoint < 0x800) {
      out.append((char) (0xc0 | codePoint >> 6)).append((char) (0x80 | codePoint & 0x3f));
    } else if (codePoint < 0x10000) {
      out.append((char) (0xe0 | codePoint >> 12)).append((char) (0x80 | codePoint >> 6 & 0x3f))
          .append((char) (0x80 | codePoint & 0x3f));
    } else {
      out.append((char) (0xf0 | codePoint >> 18)).append((char) (0x80 | codePoint >> 12 & 0x3f))
          .append((char) (0x80 | codePoint >> 6 & 0x3f)).append((char) (0x80 | codePoint & 0x3f));
    }
  }

  private int digits(int radix, int max, int min) {
    int value = 0;
    int n = 0;
    while (n < max && pos < in.length() && Character.digit(in.charAt(pos), radix) >= 0) {
      value = value * radix + Character.digit(in.charAt(pos++), radix);
      n++;
    }
    if (n < min) {
      throw error("bad escape in string", pos - lineStart + 1);
    }
    return value;
  }

  private ProtoParseException error(String message, int column) {
    return new ProtoParseException(message, file, line, column);
  }
}
