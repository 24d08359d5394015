package dev.kafkarest.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.kafkarest.error.Errors;
import dev.kafkarest.error.RestException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** The proxy's one JSON mapper, and helpers to answer with JSON. */
public final class Json {
  /** Deep nesting is refused early: a hostile document must not exhaust the stack. */
  public static final int MAX_NESTING = 200;

  public static final ObjectMapper MAPPER = JsonMapper.builder(
          JsonFactory.builder()
              .streamReadConstraints(StreamReadConstraints.builder()
                  .maxNestingDepth(MAX_NESTING)
                  .maxNumberLength(1000)
                  .build())
              .disable(com.fasterxml.jackson.core.StreamWriteFeature.AUTO_CLOSE_TARGET)
              .build())
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .build();

  private Json() {}

  public static byte[] bytes(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static RestResponse response(int status, String contentType, Object value) {
    return RestResponse.of(status, contentType, Body.of(bytes(value)));
  }

  public static CompletionStage<RestResponse> ok(Object value) {
    return CompletableFuture.completedFuture(response(200, MediaTypes.V2, value));
  }

  public static RestResponse error(RestException e) {
    return error(e, MediaTypes.V2);
  }

  public static RestResponse error(RestException e, String contentType) {
    return response(e.status(), contentType,
        MAPPER.createObjectNode().put("error_code", e.errorCode()).put("message", e.getMessage()));
  }

  /** Reads a whole (small) request body as a tree; an empty body gives null. */
  public static JsonNode readTree(InputStream body) throws IOException {
    try (JsonParser parser = MAPPER.createParser(body)) {
      if (parser.nextToken() == null) {
        return null;
      }
      JsonNode node = MAPPER.readTree(parser);
      if (parser.nextToken() != null) {
        throw Errors.malformedJson("Malformed JSON: trailing content after the document");
      }
      return node;
    }
  }

  public static JsonGenerator generator(java.io.OutputStream out) throws IOException {
    return MAPPER.getFactory().createGenerator(out);
  }

}
