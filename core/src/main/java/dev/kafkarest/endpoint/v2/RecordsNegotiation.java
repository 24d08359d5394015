package dev.kafkarest.endpoint.v2;

import dev.kafkarest.error.Errors;
import dev.kafkarest.format.EmbeddedFormat;
import dev.kafkarest.http.MediaTypes;
import dev.kafkarest.http.MediaTypes.Offer;
import java.util.List;

/**
 * Accept negotiation of {@code GET .../records}, as Confluent's five resource methods on one path do it: the
 * binary reader wins for no Accept and wildcards; the Accept type must then fit the instance's format (406/40601).
 * The three schema types share one reader, so any of them reads any schema-format instance.
 */
final class RecordsNegotiation {
  private static final List<Offer> OFFERS = List.of(
      new Offer(MediaTypes.BINARY_V2, 1.0),
      new Offer(MediaTypes.V2, 0.9),
      new Offer(MediaTypes.JSON_V2, 0.1),
      new Offer(MediaTypes.AVRO_V2, 0.1),
      new Offer(MediaTypes.JSONSCHEMA_V2, 0.1),
      new Offer(MediaTypes.PROTOBUF_V2, 0.1));

  private RecordsNegotiation() {}

  static String responseType(String accept) {
    String chosen = MediaTypes.negotiate(accept, OFFERS);
    if (chosen == null) {
      throw Errors.notAcceptable();
    }
    return chosen;
  }

  static void checkFormat(String responseType, EmbeddedFormat instanceFormat) {
    EmbeddedFormat reader = responseType.equals(MediaTypes.V2) ? EmbeddedFormat.BINARY
        : EmbeddedFormat.fromMediaType(responseType).orElseThrow();
    boolean fits = reader.usesSchemaRegistry() ? instanceFormat.usesSchemaRegistry() : reader == instanceFormat;
    if (!fits) {
      throw Errors.consumerFormatMismatch();
    }
  }
}
