package dev.kafkarest.schema.proto;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumDescriptorProto;
import dev.kafkarest.schema.proto.ProtoTokenizer.Kind;
import dev.kafkarest.schema.proto.ProtoTokenizer.Token;
import java.util.function.Consumer;

/**
 * {@code reserved} and {@code extensions} statements. Message ranges are stored end-exclusive, enum ranges
 * end-inclusive, as in descriptor.proto; {@code max} is resolved by the parser once the message's options are known.
 */
final class ProtoRanges {
  private final ProtoTokens in;
  private final ProtoOptionSyntax optionSyntax;
  private final boolean editions;

  ProtoRanges(ProtoTokens in, ProtoOptionSyntax optionSyntax, boolean editions) {
    this.in = in;
    this.optionSyntax = optionSyntax;
    this.editions = editions;
  }

  void reserved(DescriptorProto.Builder message) {
    if (in.peekKind() == Kind.STRING || in.peekKind() == Kind.IDENT) {
      reservedNames(message::addReservedName);
      return;
    }
    do {
      int start = rangeNumber(false);
      int end = start + 1;
      if (in.tryConsume("to")) {
        end = in.tryConsume("max") ? ProtoParser.MAX_SENTINEL : rangeNumber(false) + 1;
      }
      message.addReservedRangeBuilder().setStart(start).setEnd(end);
    } while (in.tryConsume(","));
    in.expect(";");
  }

  private void reservedNames(Consumer<String> names) {
    do {
      Token at = in.peek();
      if (at.kind() == Kind.IDENT) {
        if (!editions) {
          throw in.error(at, "reserved names must be string literals (identifiers are for editions)");
        }
        names.accept(in.identifier());
      } else {
        if (editions) {
          throw in.error(at, "reserved names must be identifiers in editions, not string literals");
        }
        String name = ProtoTokenizer.utf8(in.string());
        names.accept(name); // protoc only warns when it is not an identifier
      }
    } while (in.tryConsume(","));
    in.expect(";");
  }

  void extensions(DescriptorProto.Builder message) {
    int first = message.getExtensionRangeCount();
    do {
      int start = rangeNumber(false);
      int end = start + 1;
      if (in.tryConsume("to")) {
        end = in.tryConsume("max") ? ProtoParser.MAX_SENTINEL : rangeNumber(false) + 1;
      }
      message.addExtensionRangeBuilder().setStart(start).setEnd(end);
    } while (in.tryConsume(","));
    if (in.tryConsume("[")) {
      var options = com.google.protobuf.DescriptorProtos.ExtensionRangeOptions.newBuilder();
      do {
        optionSyntax.option(options::addUninterpretedOption);
      } while (in.tryConsume(","));
      in.expect("]");
      for (int i = first; i < message.getExtensionRangeCount(); i++) {
        message.getExtensionRangeBuilder(i).setOptions(options);
      }
    }
    in.expect(";");
  }

  private int rangeNumber(boolean allowNegative) {
    Token at = in.peek();
    long n = in.integer(allowNegative ? Integer.MIN_VALUE : 0, Integer.MAX_VALUE);
    if (!allowNegative && n <= 0) {
      throw in.error(at, "field numbers must be positive integers");
    }
    return (int) n;
  }

  void enumReserved(EnumDescriptorProto.Builder e) {
    if (in.peekKind() == Kind.STRING || in.peekKind() == Kind.IDENT && !in.peekIs("max")) {
      reservedNames(e::addReservedName);
      return;
    }
    do {
      int start = rangeNumber(true);
      int end = start;
      if (in.tryConsume("to")) {
        end = in.tryConsume("max") ? Integer.MAX_VALUE : rangeNumber(true);
      }
      e.addReservedRangeBuilder().setStart(start).setEnd(end);
    } while (in.tryConsume(","));
    in.expect(";");
  }
}
