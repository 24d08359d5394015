package dev.kafkarest.examples.boot;

import dev.kafkarest.http.ContainerErrors;
import java.io.IOException;
import java.io.OutputStream;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;

/** Tomcat's error report as the proxy's JSON error body instead of its HTML page (same conditions as Tomcat's). */
public class TomcatJsonErrorValve extends ErrorReportValve {
  @Override
  protected void report(Request request, Response response, Throwable throwable) {
    int status = response.getStatus();
    if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
      return;
    }
    try {
      response.setContentType(ContainerErrors.CONTENT_TYPE);
      response.setCharacterEncoding("UTF-8");
      byte[] body = ContainerErrors.body(status, response.getMessage());
      response.setContentLength(body.length);
      OutputStream out = response.getOutputStream();
      out.write(body);
      out.flush();
    } catch (IOException | IllegalStateException e) {
      // the client is gone or the answer is already on its way: nothing more to say
    }
  }
}
