package dev.kafkarest.examples;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/**
 * The example server's live topic page at {@code /}: one HTML page and its script, served from the jar. The page
 * lists topics, shows a chosen topic's records arriving through {@code EventSource} ({@code /kafka/topics/{t}/events})
 * and produces records through the v2 API. No build step, no framework: plain HTML and JavaScript.
 */
final class LivePageServlet extends HttpServlet {
  private static final String ROOT = "/dev/kafkarest/examples/live/";
  private static final Map<String, String> FILES = Map.of(
      "/", "index.html",
      "/index.html", "index.html",
      "/live.js", "live.js",
      "/live.css", "live.css");

  @Override
  protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    String path = req.getServletPath() + (req.getPathInfo() == null ? "" : req.getPathInfo());
    String file = FILES.get(path.isEmpty() ? "/" : path);
    if (file == null) {
      resp.sendError(404);
      return;
    }
    try (InputStream in = LivePageServlet.class.getResourceAsStream(ROOT + file)) {
      if (in == null) {
        resp.sendError(404);
        return;
      }
      resp.setContentType(file.endsWith(".html") ? "text/html; charset=utf-8"
          : file.endsWith(".js") ? "text/javascript; charset=utf-8" : "text/css; charset=utf-8");
      resp.setHeader("Cache-Control", "no-cache");
      in.transferTo(resp.getOutputStream());
    }
  }
}
