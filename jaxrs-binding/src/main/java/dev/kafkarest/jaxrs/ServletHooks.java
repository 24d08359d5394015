package dev.kafkarest.jaxrs;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.ext.ContextResolver;
import java.lang.reflect.Method;

/**
 * On a Servlet container, ties each answer's {@link AnswerGuard} to the request's {@code AsyncContext}, so that
 * the container's own end of the request waits for the answer's writer. JAX-RS gives a resource no portable
 * hold on the container's request, but every runtime injects the current {@code HttpServletRequest} into a
 * registered provider; this is one (a resolver nobody asks for), registered by {@link KafkaRestFeature}. RESTEasy
 * does not configure a feature that an {@code Application} returns as a singleton resource, so there the request
 * comes from RESTEasy's own context (looked up reflectively: the binding depends on no runtime). Loaded only
 * where the Servlet API is on the classpath (see {@code Mount}).
 */
final class ServletHooks implements ContextResolver<ServletHooks> {
  private static final Method RESTEASY_CONTEXT = resteasyContext();

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
      HttpServletRequest request = this.request != null ? this.request : resteasyRequest();
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

  private static HttpServletRequest resteasyRequest() {
    try {
      return RESTEASY_CONTEXT == null ? null
          : (HttpServletRequest) RESTEASY_CONTEXT.invoke(null, HttpServletRequest.class);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  private static Method resteasyContext() {
    try {
      return Class.forName("org.jboss.resteasy.core.ResteasyContext", false, ServletHooks.class.getClassLoader())
          .getMethod("getContextData", Class.class);
    } catch (ReflectiveOperationException | LinkageError e) {
      return null;
    }
  }
}
