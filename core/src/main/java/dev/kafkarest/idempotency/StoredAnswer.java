package dev.kafkarest.idempotency;

import dev.kafkarest.http.Body;
import dev.kafkarest.http.RestResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The answer to a keyed request as it is stored and replayed: status, content type and body bytes. */
public record StoredAnswer(int status, String contentType, byte[] body) {
  /** Marks an answer that was replayed from the store, not produced again (as Stripe's API names it). */
  public static final String REPLAYED_HEADER = "Idempotent-Replayed";

  RestResponse toResponse(boolean replayed) {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    if (contentType != null) {
      headers.put("Content-Type", List.of(contentType));
    }
    if (replayed) {
      headers.put(REPLAYED_HEADER, List.of("true"));
    }
    return new RestResponse(status, headers, Body.of(body));
  }
}
