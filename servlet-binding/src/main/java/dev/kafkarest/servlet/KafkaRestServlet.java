package dev.kafkarest.servlet;

import dev.kafkarest.KafkaRest;
import dev.kafkarest.KafkaRestConfig;
import dev.kafkarest.http.ForwardedHeaders;
import dev.kafkarest.http.Headers;
import dev.kafkarest.http.RestRequest;
import dev.kafkarest.http.RestResponse;
import dev.kafkarest.http.StreamingBody;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.MappingMatch;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Principal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mounts a {@link KafkaRest} under a servlet mapping such as {@code /kafka/*}: it copies each request into a
 * {@link RestRequest} and the {@link RestResponse} back out, nothing more. Register it with
 * {@code asyncSupported=true}: answers that wait (long polls, Kafka calls) use Servlet async and hold no
 * container thread. Two ways to create it:
 * <ul>
 *   <li>{@code new KafkaRestServlet(kafkaRest)}: the host owns the proxy and closes it;</li>
 *   <li>no-arg (web.xml): every init-param is a proxy config key, {@value #CONFIG_FILE} names a properties file
 *       read first; the servlet then closes the proxy in {@link #destroy()}.</li>
 * </ul>
 * Init-param (or constructor flag) {@value #TRUST_FORWARDED} makes {@code base_uri} follow {@code Forwarded} /
 * {@code X-Forwarded-*}; off by default, as clients could otherwise set those headers.
 */
public class KafkaRestServlet extends HttpServlet {
  public static final String CONFIG_FILE = "kafka.rest.config.file";
  public static final String TRUST_FORWARDED = "trust.forwarded.headers";
  private static final Logger log = LoggerFactory.getLogger(KafkaRestServlet.class);

  private transient KafkaRest rest;
  private transient boolean ownsRest;
  private boolean trustForwarded;

  /** For web.xml and other reflective registration: configured from init-params in {@link #init()}. */
  public KafkaRestServlet() {}

  /** The host owns {@code rest} and closes it after the container stops. */
  public KafkaRestServlet(KafkaRest rest) {
    this(rest, false);
  }

  public KafkaRestServlet(KafkaRest rest, boolean trustForwardedHeaders) {
    this.rest = rest;
    this.trustForwarded = trustForwardedHeaders;
  }

  @Override
  public void init() throws ServletException {
    if (rest != null) {
      return;
    }
    Properties props = new Properties();
    List<String> names = Collections.list(getInitParameterNames());
    try {
      String file = getInitParameter(CONFIG_FILE);
      if (file != null) {
        try (InputStream in = Files.newInputStream(Path.of(file))) {
          props.load(in);
        }
      }
      names.forEach(n -> props.setProperty(n, getInitParameter(n)));
      trustForwarded = Boolean.parseBoolean(props.getProperty(TRUST_FORWARDED));
      props.remove(CONFIG_FILE);
      props.remove(TRUST_FORWARDED);
      rest = KafkaRest.create(KafkaRestConfig.fromProperties(props));
      ownsRest = true;
    } catch (IOException | RuntimeException e) {
      throw new ServletException("Kafka REST proxy configuration is invalid: " + e.getMessage(), e);
    }
  }

  @Override
  public void destroy() {
    if (ownsRest) {
      rest.close();
    }
  }

  @Override
  protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    if (req.getDispatcherType() == jakarta.servlet.DispatcherType.ASYNC) {
      return; // the re-dispatch that ends a stream whose body could not be read (see endAfterFailedRead)
    }
    ReadFailures body = new ReadFailures(req.getInputStream());
    CompletableFuture<RestResponse> answer = rest.handle(toRestRequest(req, body)).toCompletableFuture();
    if (answer.isDone() && !(answer.join().body() instanceof StreamingBody)) {
      write(answer.join(), resp);
      return;
    }
    AsyncContext async = req.startAsync();
    async.setTimeout(0); // the core bounds every request itself; a container timeout would only race it
    ResponseGuard guard = new ResponseGuard();
    async.addListener(guard);
    answer.thenAccept(response -> {
      Runnable writer = () -> {
        try {
          write(response, (HttpServletResponse) async.getResponse(), guard);
        } catch (IOException | RuntimeException e) {
          log.debug("Could not write the answer (client gone?)", e);
        } finally {
          if (guard.open()) {
            if (body.failed()) {
              redispatch(async);
            } else {
              complete(async);
            }
          }
        }
      };
      // A stream is written on the proxy's own thread for as long as it lasts; any other answer on a container
      // thread, as the stage may complete on a Kafka client thread that must not block on I/O.
      if (response.body() instanceof StreamingBody streaming) {
        streaming.dispatch(writer);
      } else {
        async.start(writer);
      }
    });
  }

  private static void redispatch(AsyncContext async) {
    try {
      async.dispatch();
    } catch (IllegalStateException e) {
      log.debug("The container completed the request itself (client gone)", e);
    }
  }

  private static void complete(AsyncContext async) {
    try {
      async.complete();
    } catch (IllegalStateException e) {
      log.debug("The container completed the request itself (client gone)", e);
    }
  }

  private RestRequest toRestRequest(HttpServletRequest req, java.io.InputStream body) throws IOException {
    Map<String, List<String>> headerMap = new LinkedHashMap<>();
    for (String name : Collections.list(req.getHeaderNames())) {
      headerMap.put(name, Collections.list(req.getHeaders(name)));
    }
    Headers headers = Headers.of(headerMap);
    // A default ("/") mapping puts the whole path in the servlet path; any other mapping is the mount itself.
    boolean defaultMapping = req.getHttpServletMapping().getMappingMatch() == MappingMatch.DEFAULT;
    String mount = req.getContextPath() + (defaultMapping ? "" : req.getServletPath());
    URI baseUri = baseUri(req, mount);
    Principal user = req.getUserPrincipal();
    return RestRequest.builder(req.getMethod(), pathBelow(req.getRequestURI(), mount))
        .query(query(req.getQueryString()))
        .headers(headers)
        .body(body)
        .baseUri(trustForwarded ? ForwardedHeaders.apply(baseUri, headers) : baseUri)
        .principal(user == null ? null : user.getName())
        .build();
  }

  /** The still-encoded request path below the mount: drop as many segments as the (decoded) mount has. */
  static String pathBelow(String requestUri, String mount) {
    int segments = (int) mount.chars().filter(c -> c == '/').count();
    int index = 0;
    for (int i = 0; i < segments && index >= 0; i++) {
      index = requestUri.indexOf('/', index + 1);
    }
    return index < 0 ? "/" : requestUri.substring(index);
  }

  private static URI baseUri(HttpServletRequest req, String mount) {
    try {
      return new URI(req.getScheme(), null, req.getServerName(), req.getServerPort(), mount, null, null);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("Cannot build the base URI of the mount", e);
    }
  }

  /** Query parameters from the query string only: getParameter would consume a form-encoded POST body. */
  static Map<String, List<String>> query(String queryString) {
    Map<String, List<String>> query = new LinkedHashMap<>();
    if (queryString == null || queryString.isEmpty()) {
      return query;
    }
    for (String pair : queryString.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = decode(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
      query.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
    }
    return query;
  }

  private static String decode(String text) {
    try {
      return URLDecoder.decode(text, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return text; // a malformed escape stays as sent; the core validates values
    }
  }

  private static void write(RestResponse response, HttpServletResponse resp) throws IOException {
    resp.setStatus(response.status());
    response.headers().forEach((name, values) -> values.forEach(v -> resp.addHeader(name, v)));
    response.body().writeTo(resp.getOutputStream());
  }

  private static void write(RestResponse response, HttpServletResponse resp, ResponseGuard guard) throws IOException {
    resp.setStatus(response.status());
    response.headers().forEach((name, values) -> values.forEach(v -> resp.addHeader(name, v)));
    response.body().writeTo(guard.wrap(resp.getOutputStream()));
  }
}
