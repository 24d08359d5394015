package dev.kafkarest.schema.proto;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits {@code .proto} text into tokens: identifiers (dotted names kept whole), numbers, quoted strings (escapes
 * resolved) and single-character symbols. Comments and whitespace are dropped.
 */
final class ProtoTokenizer {
  enum Kind { IDENT, NUMBER, STRING, SYMBOL }

  record Token(Kind kind, String text, int line) {
    boolean is(String s) {
      return kind != Kind.STRING && text.equals(s);
    }
  }

  private final String in;
  private int pos;
  private int line = 1;

  private ProtoTokenizer(String in) {
    this.in = in;
  }

  static List<Token> tokenize(String text) {
    return new ProtoTokenizer(text).all();
  }

  private List<Token> all() {
    List<Token> tokens = new ArrayList<>();
    while (true) {
      skipSpaceAndComments();
      if (pos >= in.length()) {
        return tokens;
      }
      char c = in.charAt(pos);
      if (Character.isLetter(c) || c == '_' || c == '.' && pos + 1 < in.length()
          && (Character.isLetter(in.charAt(pos + 1)) || in.charAt(pos + 1) == '_')) {
        tokens.add(new Token(Kind.IDENT, ident(), line));
      } else if (Character.isDigit(c) || c == '.' && pos + 1 < in.length() && Character.isDigit(in.charAt(pos + 1))) {
        tokens.add(new Token(Kind.NUMBER, number(), line));
      } else if (c == '"' || c == '\'') {
        tokens.add(new Token(Kind.STRING, string(c), line));
      } else {
        pos++;
        tokens.add(new Token(Kind.SYMBOL, String.valueOf(c), line));
      }
    }
  }

  private void skipSpaceAndComments() {
    while (pos < in.length()) {
      char c = in.charAt(pos);
      if (c == '\n') {
        line++;
        pos++;
      } else if (Character.isWhitespace(c)) {
        pos++;
      } else if (in.startsWith("//", pos)) {
        while (pos < in.length() && in.charAt(pos) != '\n') {
          pos++;
        }
      } else if (in.startsWith("/*", pos)) {
        int end = in.indexOf("*/", pos + 2);
        if (end < 0) {
          throw new ProtoParseException("unterminated comment", line);
        }
        for (int i = pos; i < end; i++) {
          if (in.charAt(i) == '\n') {
            line++;
          }
        }
        pos = end + 2;
      } else {
        return;
      }
    }
  }

  private String ident() {
    int start = pos;
    while (pos < in.length()) {
      char c = in.charAt(pos);
      if (Character.isLetterOrDigit(c) || c == '_' || c == '.') {
        pos++;
      } else {
        break;
      }
    }
    return in.substring(start, pos);
  }

  private String number() {
    int start = pos;
    while (pos < in.length()) {
      char c = in.charAt(pos);
      boolean exponentSign = (c == '+' || c == '-') && pos > start
          && (in.charAt(pos - 1) == 'e' || in.charAt(pos - 1) == 'E') && !in.substring(start, pos).startsWith("0x");
      if (Character.isLetterOrDigit(c) || c == '.' || exponentSign) {
        pos++;
      } else {
        break;
      }
    }
    return in.substring(start, pos);
  }

  private String string(char quote) {
    int startLine = line;
    pos++;
    StringBuilder out = new StringBuilder();
    while (true) {
      if (pos >= in.length() || in.charAt(pos) == '\n') {
        throw new ProtoParseException("unterminated string", startLine);
      }
      char c = in.charAt(pos++);
      if (c == quote) {
        return out.toString();
      }
      if (c != '\\') {
        out.append(c);
        continue;
      }
      if (pos >= in.length()) {
        throw new ProtoParseException("unterminated string", startLine);
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
        case 'x', 'X' -> out.append((char) digits(16, 2));
        default -> {
          if (e >= '0' && e <= '7') {
            pos--;
            out.append((char) digits(8, 3));
          } else {
            out.append(e); // \\ \' \" and anything else stand for themselves
          }
        }
      }
    }
  }

  private int digits(int radix, int max) {
    int value = 0;
    int n = 0;
    while (n < max && pos < in.length() && Character.digit(in.charAt(pos), radix) >= 0) {
      value = value * radix + Character.digit(in.charAt(pos++), radix);
      n++;
    }
    if (n == 0) {
      throw new ProtoParseException("bad escape in string", line);
    }
    return value;
  }
}
