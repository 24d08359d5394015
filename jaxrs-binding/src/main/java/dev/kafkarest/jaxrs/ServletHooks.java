package dev.kafkarest.jaxrs;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.ext.ContextResolver;

/**
 * On a Servlet container, ties each answer's {@link AnswerGuard} to the request's {@code AsyncContext}, so that
 * the container's own end of the request waits for the answer's writer. JAX-RS gives a resource no portable
 * hold on the container's request, but every runtime injects the current {@code HttpServletRequest} into a
 * registered provider; this is one (a resolver nobody asks for), registered by {@link KafkaRestFeature}. Loaded
 * only where the Servlet API is on the classpath (see {@code Mount}).
 */
final class ServletHooks implements ContextResolver<ServletHooks> {
  @Context
  private HttpServletRequest request; // the runtime's proxy for the request of the calling thread

  @Override
  public ServletHooks getContext(Class<?> type) {
    return null; // never a context for anything: only a provider the runtime injects the request into
  }

  /**
   * Called on the request's thread once the runtime has put it in async mode; false where that is not a
   * Servlet async request (the runtime injected nothing, or runs outside a Servlet container).
   */
  boolean watch(AnswerGuard guard) {
    try {
      if (request == null || !request.isAsyncStarted()) {
        return false;
      }
      AsyncContext async = request.getAsyncContext();
      async.addListener(new AsyncListener() {
        @Override
        public void onComplete(AsyncEvent event) {
          guard.containerFinished(false);
        }

        @Override
        public void onError(AsyncEvent event) {
          guard.containerFinished(true);
        }

        @Override
        public void onTimeout(AsyncEvent event) {
          guard.containerFinished(true);
        }

        @Override
        public void onStartAsync(AsyncEvent event) {}
      });
      return true;
    } catch (IllegalStateException | UnsupportedOperationException e) {
      return false; // no request bound to this thread, or the container refuses listeners
    }
  }
}
