package dev.kafkarest.jaxrs;

import dev.kafkarest.KafkaRest;
import dev.kafkarest.http.Body;
import dev.kafkarest.http.ForwardedHeaders;
import dev.kafkarest.http.Headers;
import dev.kafkarest.http.RestRequest;
import dev.kafkarest.http.RestResponse;
import dev.kafkarest.http.StreamingBody;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.container.CompletionCallback;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.core.UriInfo;
import java.io.InputStream;
import java.net.URI;
import java.security.Principal;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;

/** Copies one JAX-RS request into a {@link RestRequest} and the {@link RestResponse} back out. */
final class Mount {
  /** Answers are written off the Kafka client threads that complete them; idle threads die after a minute. */
  private static final Executor WRITERS = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "kafka-rest-jaxrs-resume");
    t.setDaemon(true);
    return t;
  });

  private final KafkaRest rest;
  private final String mountPath;
  private final boolean trustForwarded;
  private final ServletHooks servletHooks; // null without the Servlet API

  /**
   * @param mountPath the proxy's path inside the application without slashes around it ("kafka"), or "" to
   *     take the application's whole path space
   */
  Mount(KafkaRest rest, String mountPath, boolean trustForwarded) {
    this.rest = rest;
    this.mountPath = mountPath;
    this.trustForwarded = trustForwarded;
    this.servletHooks = servletApiVisible() ? new ServletHooks() : null;
  }

  /** Checked before {@link ServletHooks} is loaded, as that class refers to the Servlet API. */
  private static boolean servletApiVisible() {
    try {
      Class.forName("jakarta.servlet.http.HttpServletRequest", false, Mount.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  /** The provider to register with the runtime (it injects the Servlet request into it), or null. */
  Object servletHooks() {
    return servletHooks;
  }

  void handle(Request request, UriInfo uri, HttpHeaders httpHeaders, SecurityContext security,
                      InputStream body, AsyncResponse async) {
    String relative = uri.getPath(false);
    String path = relative.startsWith("/") ? relative : "/" + relative; // Jersey omits the slash, RESTEasy not
    String mount = mountPath.isEmpty() ? "" : "/" + mountPath;
    if (!path.equals(mount) && !path.startsWith(mount + "/")) {
      throw new NotFoundException(); // outside our mount: the application's own 404
    }
    String base = uri.getBaseUri().toString();
    URI baseUri = URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + mount);
    Headers headers = Headers.of(httpHeaders.getRequestHeaders());
    Principal user = security.getUserPrincipal();
    RestRequest restRequest = RestRequest.builder(request.getMethod(), path.substring(mount.length()))
        .query(uri.getQueryParameters(true))
        .headers(headers)
        .body(body)
        .baseUri(trustForwarded ? ForwardedHeaders.apply(baseUri, headers) : baseUri)
        .principal(user == null ? null : user.getName())
        .build();
    AnswerGuard guard = new AnswerGuard();
    async.register((CompletionCallback) failure -> guard.released());
    if (servletHooks != null) {
      servletHooks.watch(guard);
    }
    CompletableFuture<RestResponse> answer = rest.handle(restRequest).toCompletableFuture();
    if (answer.isDone()) {
      resume(async, answer.join(), guard);
    } else {
      answer.thenAcceptAsync(response -> resume(async, response, guard), WRITERS);
    }
  }

  /** A stream is resumed on the proxy's own thread: the runtime writes the entity on the resuming thread. */
  private static void resume(AsyncResponse async, RestResponse response, AnswerGuard guard) {
    if (response.body() instanceof StreamingBody streaming) {
      streaming.dispatch(() -> async.resume(toResponse(response, guard)));
    } else {
      async.resume(toResponse(response, guard));
    }
  }

  private static Response toResponse(RestResponse response, AnswerGuard guard) {
    Response.ResponseBuilder builder = Response.status(response.status());
    response.headers().forEach((name, values) -> values.forEach(v -> builder.header(name, v)));
    Body body = response.body();
    if (body != Body.EMPTY) {
      builder.entity(new AnswerGuard.Entity(body, guard));
    }
    return builder.build();
  }
}
