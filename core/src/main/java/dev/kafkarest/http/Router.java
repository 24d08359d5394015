package dev.kafkarest.http;

import dev.kafkarest.error.Errors;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Matches a request's method and path against route templates such as {@code /topics/{topic}}. An unknown
 * path is a 404, a known path with another method a 405. Literal segments win over parameters, so
 * {@code /positions/beginning} is not taken for a {@code {name}}.
 */
public final class Router {
  private final List<Route> routes;

  private Router(List<Route> routes) {
    this.routes = List.copyOf(routes);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The route and its path parameters for a request; throws the 404 or 405 answer otherwise. */
  public Match match(String method, String rawPath) {
    String[] segments = split(rawPath);
    boolean pathKnown = false;
    Match best = null;
    int bestLiterals = -1;
    for (Route route : routes) {
      Map<String, String> params = route.template.match(segments);
      if (params == null) {
        continue;
      }
      pathKnown = true;
      if (route.method.equals(method) && route.template.literals > bestLiterals) {
        best = new Match(route, new PathParams(Map.copyOf(params)));
        bestLiterals = route.template.literals;
      }
    }
    if (best != null) {
      return best;
    }
    throw pathKnown ? Errors.methodNotAllowed() : Errors.notFound();
  }

  private static String[] split(String rawPath) {
    String path = rawPath == null ? "" : rawPath;
    while (path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    if (path.startsWith("/")) {
      path = path.substring(1);
    }
    return path.isEmpty() ? new String[0] : path.split("/", -1);
  }

  /** The result of matching: what to run, and the values of the template's parameters. */
  public record Match(Route route, PathParams params) {}

  /**
   * One route. {@code consumes} lists the request media types it reads (empty: it reads no body);
   * {@code produces} lists the answer types it offers; empty means the handler negotiates by itself.
   * {@code streaming} routes read a body of any total length (they bound each record themselves).
   */
  public record Route(String method, Template template, Set<String> consumes,
                      List<MediaTypes.Offer> produces, Handler handler, boolean streaming) {}

  /** A parsed path template. */
  public static final class Template {
    private final String text;
    private final String[] parts;
    private final int literals;

    Template(String template) {
      this.text = template;
      this.parts = split(template);
      int count = 0;
      for (String p : parts) {
        if (!isParam(p)) {
          count++;
        }
      }
      this.literals = count;
    }

    /** The template as written, such as {@code /topics/{topic}}: a metrics tag of few values. */
    public String text() {
      return text;
    }

    private static boolean isParam(String part) {
      return part.startsWith("{") && part.endsWith("}");
    }

    Map<String, String> match(String[] segments) {
      if (segments.length != parts.length) {
        return null;
      }
      Map<String, String> params = new HashMap<>();
      for (int i = 0; i < parts.length; i++) {
        String decoded = decode(segments[i]);
        if (decoded == null) {
          return null;
        }
        if (isParam(parts[i])) {
          if (decoded.isEmpty()) {
            return null;
          }
          params.put(parts[i].substring(1, parts[i].length() - 1), decoded);
        } else if (!parts[i].equals(decoded)) {
          return null;
        }
      }
      return params;
    }

    private static String decode(String segment) {
      if (segment.indexOf('%') < 0) {
        return segment;
      }
      try {
        return URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        return null;
      }
    }
  }

  /** Collects routes from every {@link Endpoint}. */
  public static final class Builder {
    private final List<Route> routes = new ArrayList<>();

    public Builder add(String method, String template, Set<String> consumes, List<MediaTypes.Offer> produces,
                       Handler handler) {
      return add(method, template, consumes, produces, handler, false);
    }

    /** A route whose body is a long-lived stream: the request size limit does not apply to it as a whole. */
    public Builder addStreaming(String method, String template, Set<String> consumes,
                                List<MediaTypes.Offer> produces, Handler handler) {
      return add(method, template, consumes, produces, handler, true);
    }

    private Builder add(String method, String template, Set<String> consumes, List<MediaTypes.Offer> produces,
                        Handler handler, boolean streaming) {
      routes.add(new Route(method, new Template(template), Set.copyOf(consumes), List.copyOf(produces), handler,
          streaming));
      return this;
    }

    public Builder endpoint(Endpoint endpoint) {
      endpoint.routes(this);
      return this;
    }

    public Router build() {
      return new Router(routes);
    }
  }
}
