package dev.kafkarest.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The Kafka REST media types and a small, strict implementation of Accept negotiation. */
public final class MediaTypes {
  public static final String V2 = "application/vnd.kafka.v2+json";
  public static final String BINARY_V2 = "application/vnd.kafka.binary.v2+json";
  public static final String JSON_V2 = "application/vnd.kafka.json.v2+json";
  public static final String AVRO_V2 = "application/vnd.kafka.avro.v2+json";
  public static final String JSONSCHEMA_V2 = "application/vnd.kafka.jsonschema.v2+json";
  public static final String PROTOBUF_V2 = "application/vnd.kafka.protobuf.v2+json";
  public static final String JSON = "application/json";

  /** The five embedded-format types, in Confluent's order. */
  public static final List<String> EMBEDDED = List.of(BINARY_V2, JSON_V2, AVRO_V2, JSONSCHEMA_V2, PROTOBUF_V2);

  private MediaTypes() {}

  /** "Application/Vnd.Kafka.V2+JSON; charset=UTF-8" gives "application/vnd.kafka.v2+json". */
  public static String essence(String mediaType) {
    if (mediaType == null) {
      return null;
    }
    int semi = mediaType.indexOf(';');
    String type = semi < 0 ? mediaType : mediaType.substring(0, semi);
    return type.trim().toLowerCase(Locale.ROOT);
  }

  /** The {@code charset} parameter of a media type, lower case, or null when it has none. */
  public static String charset(String mediaType) {
    if (mediaType == null) {
      return null;
    }
    for (String param : mediaType.split(";")) {
      int eq = param.indexOf('=');
      if (eq > 0 && param.substring(0, eq).trim().equalsIgnoreCase("charset")) {
        return param.substring(eq + 1).trim().replace("\"", "").toLowerCase(Locale.ROOT);
      }
    }
    return null;
  }

  /** A type the server offers, with its server-side quality as JAX-RS {@code qs} expresses it. */
  public record Offer(String type, double qs) {}

  /**
   * Chooses the offered type that best matches an Accept header, or null when none is acceptable. A missing or
   * blank Accept accepts everything. Ties keep the order of {@code offers}.
   */
  public static String negotiate(String accept, List<Offer> offers) {
    if (accept == null || accept.isBlank()) {
      return best(offers, List.of(new Range("*", "*", 1.0)));
    }
    return best(offers, parseAccept(accept));
  }

  private static String best(List<Offer> offers, List<Range> ranges) {
    String chosen = null;
    double chosenScore = 0;
    for (Offer offer : offers) {
      double q = quality(offer.type(), ranges);
      double score = q * offer.qs();
      if (q > 0 && score > chosenScore) {
        chosen = offer.type();
        chosenScore = score;
      }
    }
    return chosen;
  }

  private static double quality(String type, List<Range> ranges) {
    int slash = type.indexOf('/');
    String main = type.substring(0, slash);
    String sub = type.substring(slash + 1);
    double q = 0;
    int specificity = -1;
    for (Range r : ranges) {
      int s;
      if (r.main.equals(main) && r.sub.equals(sub)) {
        s = 2;
      } else if (r.main.equals(main) && r.sub.equals("*")) {
        s = 1;
      } else if (r.main.equals("*")) {
        s = 0;
      } else {
        continue;
      }
      if (s > specificity) {
        specificity = s;
        q = r.q;
      }
    }
    return q;
  }

  private record Range(String main, String sub, double q) {}

  private static List<Range> parseAccept(String accept) {
    List<Range> ranges = new ArrayList<>();
    for (String part : accept.split(",")) {
      String[] pieces = part.split(";");
      if (pieces.length == 0) {
        continue;
      }
      String type = pieces[0].trim().toLowerCase(Locale.ROOT);
      if (type.isEmpty()) {
        continue;
      }
      if (type.equals("*")) {
        type = "*/*";
      }
      int slash = type.indexOf('/');
      if (slash <= 0 || slash == type.length() - 1) {
        continue;
      }
      double q = 1.0;
      for (int i = 1; i < pieces.length; i++) {
        String param = pieces[i].trim();
        if (param.startsWith("q=")) {
          try {
            q = Math.max(0, Math.min(1, Double.parseDouble(param.substring(2))));
          } catch (NumberFormatException e) {
            q = 0;
          }
        }
      }
      ranges.add(new Range(type.substring(0, slash), type.substring(slash + 1), q));
    }
    return ranges;
  }
}
