package dev.kafkarest.http;

import dev.kafkarest.error.Errors;
import java.util.Map;

/**
 * The proxy's JSON error body for answers the host's container gives before the proxy sees a request (a
 * malformed request line, an encoded slash or a {@code ..} segment, illegal header bytes, oversized headers), so
 * that a client gets {@code {"error_code", "message"}} there too, not an HTML page. Container-neutral: the
 * example servers call it from Jetty's and Tomcat's error handlers (README: "Container errors as JSON").
 */
public final class ContainerErrors {
  /** application/json: the container cannot tell a v2 path from a v3 one in a request it could not parse. */
  public static final String CONTENT_TYPE = MediaTypes.JSON;

  private static final Map<Integer, String> REASONS = Map.ofEntries(
      Map.entry(400, "Bad Request"), Map.entry(401, "Unauthorized"), Map.entry(403, "Forbidden"),
      Map.entry(404, "Not Found"), Map.entry(405, "Method Not Allowed"), Map.entry(406, "Not Acceptable"),
      Map.entry(408, "Request Timeout"), Map.entry(411, "Length Required"), Map.entry(413, "Payload Too Large"),
      Map.entry(414, "URI Too Long"), Map.entry(415, "Unsupported Media Type"),
      Map.entry(431, "Request Header Fields Too Large"), Map.entry(500, "Internal Server Error"),
      Map.entry(501, "Not Implemented"), Map.entry(503, "Service Unavailable"),
      Map.entry(505, "HTTP Version Not Supported"));

  private ContainerErrors() {}

  /**
   * The body for {@code status}; {@code detail} is the container's reason (may be null), cut short and without
   * control characters since it may quote the request.
   */
  public static byte[] body(int status, String detail) {
    String message = "HTTP " + status + " " + REASONS.getOrDefault(status, status >= 500 ? "Server Error" : "Error");
    if (detail != null && !detail.isBlank() && !detail.equalsIgnoreCase(REASONS.get(status))) {
      message += ": " + Errors.quote(detail.strip());
    }
    return Json.bytes(Json.MAPPER.createObjectNode().put("error_code", status).put("message", message));
  }
}
