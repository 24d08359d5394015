package dev.kafkarest.metrics;

import dev.kafkarest.http.RestResponse;
import java.io.InputStream;

/** The meters of one HTTP request, from its start to its answer. */
public interface RequestMeter {
  RequestMeter NONE = new RequestMeter() {};

  /** The route template that matched, such as {@code /topics/{topic}}. */
  default void route(String template) {}

  /** The request body to read from: the given one, or one that counts its bytes. */
  default InputStream body(InputStream body) {
    return body;
  }

  /**
   * The answer is ready ({@code failure} is what caused an error answer, or null); returns the answer to send,
   * the same one or one whose body counts the bytes written.
   */
  default RestResponse answered(RestResponse response, Throwable failure) {
    return response;
  }
}
