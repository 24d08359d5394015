package dev.kafkarest.schema.proto;

import com.google.protobuf.ByteString;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto.Label;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto.Type;
import com.google.protobuf.DescriptorProtos.UninterpretedOption;
import dev.kafkarest.schema.proto.ProtoTokenizer.Kind;
import dev.kafkarest.schema.proto.ProtoTokenizer.Token;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Option syntax: {@code name = value} kept as an {@code uninterpreted_option} the way protoc's parser keeps it
 * ({@link ProtoOptions} interprets it later), and a field's {@code [...]}, where {@code default} and
 * {@code json_name} are not options but parts of the field.
 */
final class ProtoOptionSyntax {
  private final ProtoTokens in;

  ProtoOptionSyntax(ProtoTokens in) {
    this.in = in;
  }

  /** {@code [name = value, ...]} after a field; {@code default} and {@code json_name} are not options. */
  void fieldOptions(FieldDescriptorProto.Builder field, Type scalar, boolean proto3) {
    if (!in.tryConsume("[")) {
      return;
    }
    do {
      Token at = in.peek();
      if (at.is("default") && in.peekIs(1, "=")) {
        in.next();
        in.next();
        if (field.hasDefaultValue()) {
          throw in.error(at, "already set option \"default\"");
        }
        if (proto3) {
          throw in.error(at, "explicit default values are not allowed in proto3");
        }
        if (field.getLabel() == Label.LABEL_REPEATED) {
          throw in.error(at, "repeated fields can't have default values");
        }
        ProtoDefaults.read(in, field, scalar);
      } else if (at.is("json_name") && in.peekIs(1, "=")) {
        in.next();
        in.next();
        if (field.hasJsonName()) {
          throw in.error(at, "already set option \"json_name\"");
        }
        field.setJsonName(ProtoTokenizer.utf8(in.string()));
      } else {
        option(o -> field.getOptionsBuilder().addUninterpretedOption(o));
      }
    } while (in.tryConsume(","));
    in.expect("]");
  }

  /** {@code name = value} (without the statement's {@code option} and {@code ;}), kept as protoc keeps it. */
  void option(Consumer<UninterpretedOption> to) {
    UninterpretedOption.Builder option = UninterpretedOption.newBuilder();
    Token start = in.peek();
    do {
      if (in.tryConsume("(")) {
        option.addNameBuilder().setNamePart(in.dottedName()).setIsExtension(true);
        in.expect(")");
      } else {
        option.addNameBuilder().setNamePart(in.identifier()).setIsExtension(false);
      }
    } while (in.tryConsume("."));
    in.expect("=");
    optionValue(option);
    ProtoOptions.remember(option, start);
    to.accept(option.build());
  }

  private void optionValue(UninterpretedOption.Builder option) {
    Token t = in.peek();
    if (t.is("{")) {
      option.setAggregateValue(aggregate());
      return;
    }
    boolean negative = in.tryConsume("-");
    Token v = in.next();
    switch (v.kind()) {
      case IDENT -> {
        if (!negative) {
          option.setIdentifierValue(v.text());
        } else if (v.text().equals("inf") || v.text().equals("nan")) {
          option.setDoubleValue(v.text().equals("inf") ? Double.NEGATIVE_INFINITY : Double.NaN);
        } else {
          throw in.error(t, "invalid \"-\" symbol before identifier");
        }
      }
      case INT -> {
        BigInteger value = ProtoTokens.parseInt(v.text());
        BigInteger max = negative ? BigInteger.ONE.shiftLeft(63) : ProtoTokens.uint64Max();
        if (value == null || value.compareTo(max) > 0) {
          throw in.error(v, "integer out of range");
        }
        if (negative) {
          option.setNegativeIntValue(value.negate().longValue());
        } else {
          option.setPositiveIntValue(value.longValue());
        }
      }
      case FLOAT -> {
        double d = ProtoTokens.parseFloat(v.text());
        option.setDoubleValue(negative ? -d : d);
      }
      case STRING -> {
        if (negative) {
          throw in.error(t, "invalid \"-\" symbol before a string");
        }
        StringBuilder s = new StringBuilder(v.text());
        while (in.peekKind() == Kind.STRING) {
          s.append(in.next().text());
        }
        option.setStringValue(ByteString.copyFrom(s.toString(), StandardCharsets.ISO_8859_1));
      }
      default -> throw in.error(v, "expected an option value, found " + ProtoTokens.quote(v.text()));
    }
  }

  /**
   * A {@code {...}} option value, kept as text format for the interpreter: its tokens as written, comments left
   * out (text format's comments are not protobuf's), a space where the source had a gap.
   */
  private String aggregate() {
    in.next(); // {
    StringBuilder text = new StringBuilder();
    int depthHere = 1;
    Token previous = null;
    while (true) {
      Token t = in.next();
      if (t.is("{")) {
        depthHere++;
      } else if (t.is("}") && --depthHere == 0) {
        return text.toString();
      }
      if (previous != null && previous.end() < t.start()) {
        text.append(' ');
      }
      text.append(in.text, t.start(), t.end());
      previous = t;
    }
  }
}
