package dev.kafkarest.schema.proto;

import dev.kafkarest.schema.proto.ProtoTokenizer.Kind;
import dev.kafkarest.schema.proto.ProtoTokenizer.Token;
import java.math.BigInteger;
import java.util.List;

/** A cursor over one file's tokens, with the small reads every part of the grammar needs. */
final class ProtoTokens {
  private static final BigInteger UINT64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

  final String file;
  final String text;
  private final List<Token> tokens;
  private int pos;

  ProtoTokens(String text, String file) {
    this.text = text;
    this.file = file;
    this.tokens = ProtoTokenizer.tokenize(text, file);
  }

  boolean atEnd() {
    return pos >= tokens.size();
  }

  Token peek() {
    if (atEnd()) {
      throw errorAtEnd("unexpected end of file");
    }
    return tokens.get(pos);
  }

  boolean peekIs(String s) {
    return !atEnd() && tokens.get(pos).is(s);
  }

  boolean peekIs(int ahead, String s) {
    return pos + ahead < tokens.size() && tokens.get(pos + ahead).is(s);
  }

  Kind peekKind() {
    return atEnd() ? null : tokens.get(pos).kind();
  }

  Token next() {
    Token t = peek();
    pos++;
    return t;
  }

  boolean tryConsume(String s) {
    if (peekIs(s)) {
      pos++;
      return true;
    }
    return false;
  }

  void expect(String s) {
    Token t = peek();
    if (!t.is(s)) {
      throw error(t, "expected \"" + s + "\", found " + quote(t.text()));
    }
    pos++;
  }

  String identifier() {
    Token t = peek();
    if (t.kind() != Kind.IDENT) {
      throw error(t, "expected an identifier, found " + quote(t.text()));
    }
    pos++;
    return t.text();
  }

  /** {@code a.b.C} or {@code .a.b.C}, with the dots as separate tokens (protoc allows spaces between them). */
  String dottedName() {
    StringBuilder name = new StringBuilder();
    if (tryConsume(".")) {
      name.append('.');
    }
    name.append(identifier());
    while (tryConsume(".")) {
      name.append('.').append(identifier());
    }
    return name.toString();
  }

  /** One or more adjacent string literals, joined; bytes as in {@link ProtoTokenizer}. */
  String string() {
    Token t = peek();
    if (t.kind() != Kind.STRING) {
      throw error(t, "expected a string, found " + quote(t.text()));
    }
    StringBuilder s = new StringBuilder();
    while (peekKind() == Kind.STRING) {
      s.append(next().text());
    }
    return s.toString();
  }

  /** An unsigned integer literal (decimal, hex or octal) up to {@code max}. */
  BigInteger unsigned(BigInteger max) {
    Token t = peek();
    if (t.kind() != Kind.INT) {
      throw error(t, "expected an integer, found " + quote(t.text()));
    }
    pos++;
    BigInteger value = parseInt(t.text());
    if (value == null || value.compareTo(max) > 0) {
      throw error(t, "integer out of range");
    }
    return value;
  }

  static BigInteger parseInt(String text) {
    try {
      if (text.startsWith("0x") || text.startsWith("0X")) {
        return new BigInteger(text.substring(2), 16);
      }
      if (text.length() > 1 && text.startsWith("0")) {
        return new BigInteger(text.substring(1), 8);
      }
      return new BigInteger(text);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  static BigInteger uint64Max() {
    return UINT64_MAX;
  }

  /** A signed integer within [min, max]. */
  long integer(long min, long max) {
    boolean negative = tryConsume("-");
    Token t = peek();
    BigInteger magnitude = unsigned(UINT64_MAX);
    long value;
    BigInteger v = negative ? magnitude.negate() : magnitude;
    if (v.compareTo(BigInteger.valueOf(min)) < 0 || v.compareTo(BigInteger.valueOf(max)) > 0) {
      throw error(t, "integer out of range");
    }
    value = v.longValue();
    return value;
  }

  /** A floating-point literal, an integer read as one, or {@code inf}/{@code nan}. */
  double number() {
    Token t = peek();
    if (t.kind() == Kind.IDENT && (t.text().equals("inf") || t.text().equals("nan"))) {
      pos++;
      return t.text().equals("inf") ? Double.POSITIVE_INFINITY : Double.NaN;
    }
    if (t.kind() == Kind.INT) {
      pos++;
      BigInteger value = parseInt(t.text());
      return value == null ? Double.parseDouble(t.text()) : value.doubleValue();
    }
    if (t.kind() == Kind.FLOAT) {
      pos++;
      return parseFloat(t.text());
    }
    throw error(t, "expected a number, found " + quote(t.text()));
  }

  static double parseFloat(String text) {
    String s = text.endsWith("f") || text.endsWith("F") ? text.substring(0, text.length() - 1) : text;
    return Double.parseDouble(s);
  }

  Token previous() {
    return tokens.get(pos - 1);
  }

  ProtoParseException error(Token at, String message) {
    return new ProtoParseException(message, file, at.line(), at.column());
  }

  /** An error at the token about to be read (or the end of the file). */
  ProtoParseException error(String message) {
    return atEnd() ? errorAtEnd(message) : error(tokens.get(pos), message);
  }

  private ProtoParseException errorAtEnd(String message) {
    Token last = tokens.isEmpty() ? null : tokens.get(tokens.size() - 1);
    return last == null ? new ProtoParseException(message, file, 1, 1)
        : new ProtoParseException(message, file, last.line(), last.column() + last.text().length());
  }

  static String quote(String s) {
    String cut = s.length() > 40 ? s.substring(0, 40) + "..." : s;
    return "\"" + cut.replaceAll("\\p{Cntrl}", "?") + "\"";
  }
}
