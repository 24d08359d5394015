package dev.kafkarest.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** A complete HTTP answer: the binding copies status, headers and body to the container as they are. */
public record RestResponse(int status, Map<String, List<String>> headers, Body body) {

  public RestResponse {
    headers = Map.copyOf(headers);
    body = body == null ? Body.EMPTY : body;
  }

  public static RestResponse of(int status, String contentType, Body body) {
    return new RestResponse(status, Map.of("Content-Type", List.of(contentType)), body);
  }

  public static RestResponse noContent() {
    return new RestResponse(204, Map.of(), Body.EMPTY);
  }

  public String contentType() {
    List<String> values = headers.get("Content-Type");
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  /** The body as text; for tests and small answers only. */
  public String bodyAsString() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      body.writeTo(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}
