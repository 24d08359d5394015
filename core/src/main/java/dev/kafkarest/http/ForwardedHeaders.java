package dev.kafkarest.http;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rewrites a binding's base URI to the one the client used when a reverse proxy sits in front: {@code Forwarded}
 * (RFC 7239, first element) or else {@code X-Forwarded-Proto/Host/Port}, plus {@code X-Forwarded-Prefix}
 * prepended to the path. Bindings call it only when the host trusts its proxy: these headers are client input
 * otherwise. Values that do not look like a scheme, host, port or path are ignored, never echoed.
 */
public final class ForwardedHeaders {
  private static final Pattern HOST_PORT =
      Pattern.compile("([A-Za-z0-9.\\-]+|\\[[0-9A-Fa-f:.]+\\])(?::([0-9]{1,5}))?");
  private static final Pattern PREFIX = Pattern.compile("(/[A-Za-z0-9._~!$&'()*+,;=:@%\\-]+)+/?");

  private ForwardedHeaders() {}

  /** The base URI as the client saw it; {@code base} unchanged when no usable forwarding header is present. */
  public static URI apply(URI base, Headers headers) {
    String scheme = base.getScheme();
    String host = base.getHost();
    int port = base.getPort();
    String proto = forwardedParam(headers, "proto").or(() -> first(headers, "X-Forwarded-Proto")).orElse(null);
    if (proto != null && (proto.equalsIgnoreCase("http") || proto.equalsIgnoreCase("https"))) {
      if (port == defaultPort(scheme)) {
        port = -1;
      }
      scheme = proto.toLowerCase(Locale.ROOT);
    }
    String forwardedHost = forwardedParam(headers, "host").or(() -> first(headers, "X-Forwarded-Host")).orElse(null);
    Matcher hostPort = forwardedHost == null ? null : HOST_PORT.matcher(forwardedHost);
    if (hostPort != null && hostPort.matches()) {
      host = hostPort.group(1);
      port = hostPort.group(2) == null ? -1 : Objects.requireNonNullElse(parsePort(hostPort.group(2)), -1);
    }
    Integer forwardedPort = first(headers, "X-Forwarded-Port").map(ForwardedHeaders::parsePort).orElse(null);
    if (forwardedPort != null) {
      port = forwardedPort;
    }
    if (port == defaultPort(scheme)) {
      port = -1;
    }
    String path = base.getRawPath() == null ? "" : base.getRawPath();
    String prefix = first(headers, "X-Forwarded-Prefix").filter(p -> PREFIX.matcher(p).matches()).orElse("");
    if (prefix.endsWith("/")) {
      prefix = prefix.substring(0, prefix.length() - 1);
    }
    try {
      String authority = port < 0 ? host : host + ":" + port;
      return new URI(scheme + "://" + authority + prefix + path);
    } catch (URISyntaxException e) {
      return base;
    }
  }

  private static Optional<String> first(Headers headers, String name) {
    return headers.first(name).map(v -> v.split(",", 2)[0].trim()).filter(v -> !v.isEmpty());
  }

  /** A parameter of the first element of {@code Forwarded}: {@code Forwarded: for=1.2.3.4;proto=https;host=x}. */
  private static Optional<String> forwardedParam(Headers headers, String name) {
    Optional<String> element = first(headers, "Forwarded");
    if (element.isEmpty()) {
      return Optional.empty();
    }
    for (String pair : element.get().split(";")) {
      int eq = pair.indexOf('=');
      if (eq > 0 && pair.substring(0, eq).trim().equalsIgnoreCase(name)) {
        String value = pair.substring(eq + 1).trim();
        if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
          value = value.substring(1, value.length() - 1);
        }
        return value.isEmpty() ? Optional.empty() : Optional.of(value);
      }
    }
    return Optional.empty();
  }

  private static Integer parsePort(String text) {
    try {
      int port = Integer.parseInt(text.trim());
      return port > 0 && port <= 65535 ? port : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static int defaultPort(String scheme) {
    return "https".equalsIgnoreCase(scheme) ? 443 : "http".equalsIgnoreCase(scheme) ? 80 : -2;
  }
}
