package dev.kafkarest.schema.proto;

import com.google.protobuf.ByteString;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto.Type;
import dev.kafkarest.schema.proto.ProtoTokenizer.Kind;
import dev.kafkarest.schema.proto.ProtoTokenizer.Token;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;

/**
 * A field's {@code [default = ...]}, read and written back the way protoc's descriptor has it: integers in
 * decimal, floats in C's shortest {@code %g} that reads back the same, strings as their bytes, bytes C-escaped.
 */
final class ProtoDefaults {
  private ProtoDefaults() {
  }

  /** Reads the value for a field of {@code type} (null: a named type, message or enum, decided later). */
  static void read(ProtoTokens in, FieldDescriptorProto.Builder field, Type type) {
    Token at = in.peek();
    if (type == null) {
      if (in.peekKind() != Kind.IDENT) {
        throw in.error(at, "expected an enum value name as default");
      }
      field.setDefaultValue(in.identifier());
      return;
    }
    switch (type) {
      case TYPE_INT32, TYPE_SINT32, TYPE_SFIXED32 ->
          field.setDefaultValue(Long.toString(in.integer(Integer.MIN_VALUE, Integer.MAX_VALUE)));
      case TYPE_INT64, TYPE_SINT64, TYPE_SFIXED64 ->
          field.setDefaultValue(Long.toString(in.integer(Long.MIN_VALUE, Long.MAX_VALUE)));
      case TYPE_UINT32, TYPE_FIXED32 -> field.setDefaultValue(
          in.unsigned(BigInteger.valueOf(0xffffffffL)).toString());
      case TYPE_UINT64, TYPE_FIXED64 -> field.setDefaultValue(in.unsigned(ProtoTokens.uint64Max()).toString());
      case TYPE_FLOAT, TYPE_DOUBLE -> {
        boolean negative = in.tryConsume("-");
        double value = in.number();
        value = negative ? -value : value;
        field.setDefaultValue(type == Type.TYPE_FLOAT ? floatText((float) value) : doubleText(value));
      }
      case TYPE_BOOL -> {
        String b = in.identifier();
        if (!b.equals("true") && !b.equals("false")) {
          throw in.error(at, "expected \"true\" or \"false\"");
        }
        field.setDefaultValue(b);
      }
      case TYPE_STRING -> field.setDefaultValueBytes(ByteString.copyFrom(in.string(), StandardCharsets.ISO_8859_1));
      case TYPE_BYTES -> field.setDefaultValue(cEscape(in.string()));
      default -> throw in.error(at, "messages can't have default values");
    }
  }

  /** protoc's SimpleDtoa: {@code %.15g}, or {@code %.17g} when that does not read back the same. */
  static String doubleText(double value) {
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      return special(value);
    }
    String s = cFormatG(value, 15);
    return Double.parseDouble(s) == value ? s : cFormatG(value, 17);
  }

  /** protoc's SimpleFtoa: {@code %.6g}, or {@code %.9g}. */
  static String floatText(float value) {
    if (Float.isNaN(value) || Float.isInfinite(value)) {
      return special(value);
    }
    String s = cFormatG(value, 6);
    return Float.parseFloat(s) == value ? s : cFormatG(value, 9);
  }

  private static String special(double value) {
    return Double.isNaN(value) ? "nan" : value > 0 ? "inf" : "-inf";
  }

  /** C's {@code printf("%.<precision>g")}. */
  static String cFormatG(double value, int precision) {
    if (value == 0) {
      return (1 / value < 0) ? "-0" : "0";
    }
    BigDecimal rounded = new BigDecimal(value).round(new MathContext(precision, RoundingMode.HALF_EVEN));
    int exponent = rounded.precision() - rounded.scale() - 1;
    if (exponent < -4 || exponent >= precision) {
      BigDecimal mantissa = rounded.movePointLeft(exponent);
      String m = stripZeros(mantissa.toPlainString());
      String e = Integer.toString(Math.abs(exponent));
      return m + "e" + (exponent < 0 ? "-" : "+") + (e.length() < 2 ? "0" + e : e);
    }
    return stripZeros(rounded.toPlainString());
  }

  private static String stripZeros(String s) {
    if (!s.contains(".")) {
      return s;
    }
    int end = s.length();
    while (s.charAt(end - 1) == '0') {
      end--;
    }
    if (s.charAt(end - 1) == '.') {
      end--;
    }
    return s.substring(0, end);
  }

  /** protoc's CEscape, for bytes defaults: bytes is one char per byte. */
  static String cEscape(String bytes) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < bytes.length(); i++) {
      int b = bytes.charAt(i) & 0xff;
      switch (b) {
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '"' -> out.append("\\\"");
        case '\'' -> out.append("\\'");
        case '\\' -> out.append("\\\\");
        default -> {
          if (b < 0x20 || b >= 0x7f) {
            out.append('\\').append((char) ('0' + (b >> 6))).append((char) ('0' + (b >> 3 & 7)))
                .append((char) ('0' + (b & 7)));
          } else {
            out.append((char) b);
          }
        }
      }
    }
    return out.toString();
  }
}
