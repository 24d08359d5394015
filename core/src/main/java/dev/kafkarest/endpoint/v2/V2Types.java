package dev.kafkarest.endpoint.v2;

import dev.kafkarest.http.MediaTypes;
import dev.kafkarest.http.MediaTypes.Offer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The media-type sets v2 routes read and answer with (Confluent's {@code @Consumes}/{@code @Produces}). */
final class V2Types {
  /** Metadata answers: only the v2 type. */
  static final List<Offer> ANSWER_V2 = List.of(new Offer(MediaTypes.V2, 1.0));

  /** Consumer answers: v2 preferred, any embedded type accepted (Confluent's qs 0.9 and 0.1). */
  static final List<Offer> ANSWER_V2_OR_EMBEDDED = v2OrEmbedded();

  /** Produce bodies: exactly one of the embedded types; the type picks the format. */
  static final Set<String> READ_EMBEDDED = Set.copyOf(MediaTypes.EMBEDDED);

  /** Consumer bodies: the v2 type or any embedded type. */
  static final Set<String> READ_V2_OR_EMBEDDED = v2OrEmbeddedSet();

  static final Set<String> NO_BODY = Set.of();

  private V2Types() {}

  private static List<Offer> v2OrEmbedded() {
    List<Offer> offers = new ArrayList<>();
    offers.add(new Offer(MediaTypes.V2, 0.9));
    MediaTypes.EMBEDDED.forEach(t -> offers.add(new Offer(t, 0.1)));
    return List.copyOf(offers);
  }

  private static Set<String> v2OrEmbeddedSet() {
    Set<String> types = new HashSet<>(MediaTypes.EMBEDDED);
    types.add(MediaTypes.V2);
    return Set.copyOf(types);
  }
}
