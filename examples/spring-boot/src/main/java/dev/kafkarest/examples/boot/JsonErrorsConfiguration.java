package dev.kafkarest.examples.boot;

import dev.kafkarest.http.ContainerErrors;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import org.apache.catalina.core.StandardHost;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Every answer is JSON, even the container's own. Two places write errors in a Boot application: Tomcat's
 * error report valve, for requests Tomcat refuses before any servlet runs (illegal header bytes, oversized
 * headers, an encoded slash, a {@code ..} segment), and Boot's error controller, for what reaches the
 * application but no handler (a path outside the mount). Both answer with the proxy's error body here.
 */
@Configuration(proxyBeanMethods = false)
public class JsonErrorsConfiguration {
  /** Tomcat's host adds the valve class it is told to; ours replaces the HTML one. */
  @Bean
  WebServerFactoryCustomizer<TomcatServletWebServerFactory> tomcatJsonErrors() {
    return factory -> factory.addContextCustomizers(context -> {
      if (context.getParent() instanceof StandardHost host) {
        host.setErrorReportValveClass(TomcatJsonErrorValve.class.getName());
      }
    });
  }

  /** Replaces Boot's BasicErrorController (its JSON has other fields, its HTML page is for browsers). */
  @RestController
  static class JsonErrorController implements ErrorController {
    @RequestMapping("${server.error.path:${error.path:/error}}")
    ResponseEntity<byte[]> error(HttpServletRequest request) {
      Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
      int status = code instanceof Integer i && i >= 400 ? i : 500;
      Object message = request.getAttribute(RequestDispatcher.ERROR_MESSAGE);
      return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON)
          .body(ContainerErrors.body(status, message == null ? null : message.toString()));
    }
  }
}
