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
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A Server-Sent Events client over a plain socket (or over any stream, for core tests): a GET, then the events
 * and comments as they arrive, each with a bounded wait. {@link #close} drops the connection at once, as a
 * client that crashes.
 */
public final class EventStreamClient implements AutoCloseable {
  /** One event ({@code comment} null) or one comment line (the rest null). */
  public record Item(String id, String event, String data, String comment) {
    public boolean isComment() {
      return comment != null;
    }
  }

  private static final Item END = new Item(null, null, null, null);

  private final Socket socket;
  private final InputStream body;
  private final int status;
  private final Map<String, String> headers;
  private final LinkedBlockingQueue<Item> items = new LinkedBlockingQueue<>();
  private Thread parser;

  private EventStreamClient(Socket socket, InputStream body, int status, Map<String, String> headers) {
    this.socket = socket;
    this.body = body;
    this.status = status;
    this.headers = headers;
  }

  /** Reads events from a stream the caller owns (a core test's pipe). */
  public static EventStreamClient of(InputStream body) {
    return new EventStreamClient(null, body, 200, Map.of());
  }

  /** {@code GET url} with {@code Accept: text/event-stream} and the given extra headers. */
  public static EventStreamClient get(URI url, Map<String, String> extraHeaders) throws IOException {
    Socket socket = new Socket(url.getHost(), url.getPort());
    socket.setSoTimeout(30_000);
    OutputStream out = socket.getOutputStream();
    StringBuilder request = new StringBuilder("GET ").append(url.getRawPath())
        .append(url.getRawQuery() == null ? "" : "?" + url.getRawQuery())
        .append(" HTTP/1.1\r\nHost: ").append(url.getHost()).append(':').append(url.getPort())
        .append("\r\nAccept: text/event-stream\r\n");
    extraHeaders.forEach((k, v) -> request.append(k).append(": ").append(v).append("\r\n"));
    out.write(request.append("\r\n").toString().getBytes(StandardCharsets.UTF_8));
    out.flush();
    InputStream in = new BufferedInputStream(socket.getInputStream());
    int status = Integer.parseInt(line(in).split(" ")[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    for (String header = line(in); !header.isEmpty(); header = line(in)) {
      int colon = header.indexOf(':');
      headers.put(header.substring(0, colon).trim().toLowerCase(Locale.ROOT), header.substring(colon + 1).trim());
    }
    InputStream body;
    if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
      body = new Dechunked(in);
    } else if (headers.containsKey("content-length")) {
      body = new java.io.ByteArrayInputStream(in.readNBytes(Integer.parseInt(headers.get("content-length"))));
    } else {
      body = in;
    }
    return new EventStreamClient(socket, body, status, headers);
  }

  public int status() {
    return status;
  }

  public String header(String name) {
    return headers.get(name.toLowerCase(Locale.ROOT));
  }

  /** The whole body as text (for an error answer). */
  public String bodyText() throws IOException {
    return new String(body.readAllBytes(), StandardCharsets.UTF_8);
  }

  /** The next event or comment within {@code wait}; null when the stream ended; fails when none came in time. */
  public Item next(Duration wait) throws InterruptedException {
    startParser();
    Item item = items.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
    if (item == null) {
      throw new AssertionError("no event within " + wait);
    }
    return item == END ? null : item;
  }

  /** The next event, skipping comments; null when the stream ended. */
  public Item nextEvent(Duration wait) throws InterruptedException {
    long deadline = System.nanoTime() + wait.toNanos();
    while (true) {
      Item item = next(Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime())));
      if (item == null || !item.isComment()) {
        return item;
      }
    }
  }

  private synchronized void startParser() {
    if (parser != null) {
      return;
    }
    parser = new Thread(this::parse, "sse-test-client");
    parser.setDaemon(true);
    parser.start();
  }

  private void parse() {
    String id = null;
    String event = null;
    StringBuilder data = null;
    try {
      ByteArrayOutputStream lineBytes = new ByteArrayOutputStream();
      for (int c = body.read(); c >= 0; c = body.read()) {
        if (c != '\n') {
          lineBytes.write(c);
          continue;
        }
        String line = lineBytes.toString(StandardCharsets.UTF_8);
        lineBytes.reset();
        if (line.isEmpty()) {
          if (data != null) {
            items.add(new Item(id, event, data.toString(), null));
          }
          id = null;
          event = null;
          data = null;
        } else if (line.startsWith(":")) {
          items.add(new Item(null, null, null, line.substring(1).trim()));
        } else if (line.startsWith("id: ")) {
          id = line.substring(4);
        } else if (line.startsWith("event: ")) {
          event = line.substring(7);
        } else if (line.startsWith("data: ")) {
          data = data == null ? new StringBuilder(line.substring(6)) : data.append('\n').append(line.substring(6));
        }
      }
    } catch (IOException e) {
      // the connection is gone: the stream ended
    } finally {
      items.add(END);
    }
  }

  @Override
  public void close() throws IOException {
    if (socket != null) {
      socket.setSoLinger(true, 0);
      socket.close();
    } else {
      body.close();
    }
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

  /** A chunked body as the plain bytes it carries. */
  private static final class Dechunked extends InputStream {
    private final InputStream in;
    private int left;
    private boolean done;

    Dechunked(InputStream in) {
      this.in = in;
    }

    @Override
    public int read() throws IOException {
      if (done) {
        return -1;
      }
      if (left == 0) {
        String size = line(in);
        if (size.isEmpty()) {
          size = line(in); // the CRLF after the previous chunk
        }
        left = Integer.parseInt(size.split(";")[0].trim(), 16);
        if (left == 0) {
          done = true;
          return -1;
        }
      }
      left--;
      return in.read();
    }
  }
}
