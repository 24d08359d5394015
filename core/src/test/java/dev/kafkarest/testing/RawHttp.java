package dev.kafkarest.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

/** Reads one HTTP/1.1 response from a socket: status line, headers, and a body (length, chunked or to EOF). */
public final class RawHttp {
  private RawHttp() {}

  /**
   * Sends {@code request} as it is (request line, headers, blank line, any body: bytes a well-behaved client
   * would never send) to the server of {@code uri} and reads the answer, waiting at most {@code patience}.
   */
  public static HttpCalls.Reply exchange(URI uri, byte[] request, Duration patience) throws IOException {
    try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
      socket.setSoTimeout((int) patience.toMillis());
      OutputStream out = socket.getOutputStream();
      out.write(request);
      out.flush();
      return readResponse(new BufferedInputStream(socket.getInputStream()));
    }
  }

  static HttpCalls.Reply readResponse(InputStream in) throws IOException {
    String statusLine = line(in);
    int status = Integer.parseInt(statusLine.split(" ")[1]);
    String contentType = null;
    long length = -1;
    boolean chunked = false;
    for (String header = line(in); !header.isEmpty(); header = line(in)) {
      int colon = header.indexOf(':');
      String name = header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = header.substring(colon + 1).trim();
      switch (name) {
        case "content-type" -> contentType = value;
        case "content-length" -> length = Long.parseLong(value);
        case "transfer-encoding" -> chunked = value.equalsIgnoreCase("chunked");
        default -> { }
      }
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    if (chunked) {
      for (int size = Integer.parseInt(line(in).split(";")[0].trim(), 16); size > 0;
           size = Integer.parseInt(line(in).split(";")[0].trim(), 16)) {
        body.write(in.readNBytes(size));
        line(in);
      }
    } else if (length >= 0) {
      body.write(in.readNBytes((int) length));
    } else {
      in.transferTo(body);
    }
    return new HttpCalls.Reply(status, contentType, body.toString(StandardCharsets.UTF_8));
  }

  private static String line(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    for (int c = in.read(); c >= 0 && c != '\n'; c = in.read()) {
      if (c != '\r') {
        line.append((char) c);
      }
    }
    return line.toString();
  }
}
