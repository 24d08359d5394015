package dev.kafkarest.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A chunked POST over a plain socket, for streaming produce: the body goes out one chunk at a time while the
 * answer is read line by line ({@code \r\n} separated), and the client can vanish mid-stream with {@link #close}.
 */
public final class StreamingSocket implements AutoCloseable {
  private final Socket socket;
  private final OutputStream out;
  private final InputStream in;
  private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
  private final String path;
  private int status = -1;
  private String contentType;
  private boolean chunked;
  private boolean ended;
  private boolean chunkDataRead; // a chunk's data was read, the CRLF after it not yet

  /**
   * A stream to {@code path} under the mount of {@code http}; each answer line is checked against the OpenAPI
   * document the proxy serves, as {@link HttpCalls} checks its answers.
   */
  public StreamingSocket(HttpCalls http, String path, String contentType) throws IOException {
    this(URI.create(http.mount() + path), contentType, path);
  }

  public StreamingSocket(URI url, String contentType) throws IOException {
    this(url, contentType, null);
  }

  private StreamingSocket(URI url, String contentType, String path) throws IOException {
    this.path = path;
    socket = new Socket(url.getHost(), url.getPort());
    socket.setSoTimeout(20_000);
    out = socket.getOutputStream();
    in = new BufferedInputStream(socket.getInputStream());
    out.write(("POST " + url.getRawPath() + " HTTP/1.1\r\nHost: " + url.getHost() + ":" + url.getPort()
        + "\r\nContent-Type: " + contentType + "\r\nTransfer-Encoding: chunked\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  public void sendChunk(String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    out.write((Integer.toHexString(bytes.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
    out.write(bytes);
    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  /** The answer's status, once its head has arrived. */
  public int status() throws IOException {
    if (status < 0) {
      status = Integer.parseInt(line(in).split(" ")[1]);
      for (String header = line(in); !header.isEmpty(); header = line(in)) {
        String lower = header.toLowerCase(Locale.ROOT);
        chunked |= lower.startsWith("transfer-encoding:") && lower.contains("chunked");
        if (lower.startsWith("content-type:")) {
          contentType = header.substring(header.indexOf(':') + 1).trim();
        }
      }
    }
    return status;
  }

  /** The next answer line, or null at the end of the answer. */
  public String readLine() throws IOException {
    status();
    while (true) {
      String text = pending.toString(StandardCharsets.UTF_8);
      int end = text.indexOf("\r\n");
      if (end >= 0) {
        byte[] rest = text.substring(end + 2).getBytes(StandardCharsets.UTF_8);
        pending.reset();
        pending.write(rest);
        return conforming(text.substring(0, end));
      }
      if (ended || !readMore()) {
        ended = true;
        return text.isEmpty() ? null : conforming(text);
      }
    }
  }

  private String conforming(String line) {
    if (path != null && !line.isBlank()) {
      java.util.List<String> problems = OpenApiContract.served().check("POST", path, status, contentType, line);
      if (!problems.isEmpty()) {
        throw new AssertionError("The answer does not fit the OpenAPI document the proxy serves:\n  "
            + String.join("\n  ", problems));
      }
    }
    return line;
  }

  private boolean readMore() throws IOException {
    if (!chunked) {
      int b = in.read();
      if (b >= 0) {
        pending.write(b);
      }
      return b >= 0;
    }
    if (chunkDataRead) {
      line(in); // the CRLF that ends the previous chunk's data
    }
    int size = Integer.parseInt(line(in).split(";")[0].trim(), 16);
    if (size == 0) {
      return false;
    }
    pending.write(in.readNBytes(size));
    // Not waiting for the CRLF after the data: Jetty sends it with the next chunk's head, so waiting here would hold
    // this chunk's lines back until the server writes again.
    chunkDataRead = true;
    return true;
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

  /** Drops the connection at once, as a client that crashes. */
  @Override
  public void close() throws IOException {
    socket.setSoLinger(true, 0);
    socket.close();
  }
}
