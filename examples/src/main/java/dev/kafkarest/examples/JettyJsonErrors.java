package dev.kafkarest.examples;

import dev.kafkarest.http.ContainerErrors;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's own error answers as the proxy's JSON error body instead of its HTML page. Jetty has two places that
 * write them: the server's handler, for requests it cannot parse (illegal header bytes, a 431 for oversized
 * headers, a bad request line), and the servlet context's, for requests it parsed but refuses (an encoded slash,
 * a {@code ..} segment) or that no servlet maps.
 */
final class JettyJsonErrors {
  private JettyJsonErrors() {}

  static void install(Server server, ServletContextHandler context) {
    server.setErrorHandler(new ForServer());
    context.setErrorHandler(new ForContext());
  }

  private static void writeJson(Response response, int code, String message, Callback callback) {
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, ContainerErrors.CONTENT_TYPE);
    response.write(true, ByteBuffer.wrap(ContainerErrors.body(code, message)), callback);
  }

  private static ByteBuffer jsonBody(HttpFields.Mutable fields, int status, String reason) {
    fields.put(HttpHeader.CONTENT_TYPE, ContainerErrors.CONTENT_TYPE);
    return ByteBuffer.wrap(ContainerErrors.body(status, reason));
  }

  static final class ForServer extends org.eclipse.jetty.server.handler.ErrorHandler {
    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                                    Callback callback) {
      writeJson(response, code, message, callback);
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
      return jsonBody(fields, status, reason);
    }
  }

  static final class ForContext extends org.eclipse.jetty.ee10.servlet.ErrorHandler {
    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                                    Callback callback) {
      writeJson(response, code, message, callback);
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
      return jsonBody(fields, status, reason);
    }
  }
}
