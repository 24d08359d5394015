package dev.kafkarest.examples.bench;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A minimal HTTP/1.1 keep-alive client on one socket to 127.0.0.1: writes a pre-built request, reads the status,
 * the headers it needs (Content-Length, chunked) and the body into a reused buffer. Far cheaper per request than
 * java.net.http, so the load generator takes as little as possible of the CPU it shares with the proxy.
 */
final class HttpConn implements Closeable {
  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private final byte[] line = new byte[16 * 1024];
  private byte[] body = new byte[64 * 1024];
  private int bodyLength;

  HttpConn(int port) throws IOException {
    socket = new Socket();
    socket.setTcpNoDelay(true);
    socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
    socket.setSoTimeout(60_000);
    in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
    out = socket.getOutputStream();
  }

  /** Sends a complete request (head and body) and reads the answer; returns the status code. */
  int exchange(byte[] request) throws IOException {
    out.write(request);
    out.flush();
    return readResponse();
  }

  byte[] body() {
    return body;
  }

  int bodyLength() {
    return bodyLength;
  }

  String bodyText() {
    return new String(body, 0, bodyLength, StandardCharsets.UTF_8);
  }

  private int readResponse() throws IOException {
    String status = readLine();
    if (status.length() < 12 || !status.startsWith("HTTP/1.")) {
      throw new IOException("Bad status line: " + status);
    }
    int code = Integer.parseInt(status.substring(9, 12));
    long contentLength = -1;
    boolean chunked = false;
    boolean close = false;
    for (String h = readLine(); !h.isEmpty(); h = readLine()) {
      int colon = h.indexOf(':');
      if (colon < 0) {
        continue;
      }
      String name = h.substring(0, colon).trim();
      String value = h.substring(colon + 1).trim();
      if (name.equalsIgnoreCase("Content-Length")) {
        contentLength = Long.parseLong(value);
      } else if (name.equalsIgnoreCase("Transfer-Encoding") && value.equalsIgnoreCase("chunked")) {
        chunked = true;
      } else if (name.equalsIgnoreCase("Connection") && value.equalsIgnoreCase("close")) {
        close = true;
      }
    }
    bodyLength = 0;
    if (chunked) {
      while (true) {
        String sizeLine = readLine();
        int semi = sizeLine.indexOf(';');
        int size = Integer.parseInt((semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim(), 16);
        if (size == 0) {
          while (!readLine().isEmpty()) {
            // trailers
          }
          break;
        }
        readBody(size);
        readLine();
      }
    } else if (contentLength > 0) {
      readBody((int) contentLength);
    }
    if (close) {
      throw new IOException("Server closed the connection (status " + code + ")");
    }
    return code;
  }

  private void readBody(int n) throws IOException {
    if (bodyLength + n > body.length) {
      body = Arrays.copyOf(body, Math.max(body.length * 2, bodyLength + n));
    }
    int off = bodyLength;
    int end = bodyLength + n;
    while (off < end) {
      int r = in.read(body, off, end - off);
      if (r < 0) {
        throw new IOException("Connection closed in a body");
      }
      off += r;
    }
    bodyLength = end;
  }

  private String readLine() throws IOException {
    int n = 0;
    while (true) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("Connection closed");
      }
      if (b == '\n') {
        break;
      }
      if (n < line.length) {
        line[n++] = (byte) b;
      }
    }
    if (n > 0 && line[n - 1] == '\r') {
      n--;
    }
    return new String(line, 0, n, StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }

  /** A request with a body, ready to write many times. */
  static byte[] request(String method, int port, String path, String contentType, String accept, byte[] body) {
    StringBuilder head = new StringBuilder()
        .append(method).append(' ').append(path).append(" HTTP/1.1\r\n")
        .append("Host: 127.0.0.1:").append(port).append("\r\n");
    if (accept != null) {
      head.append("Accept: ").append(accept).append("\r\n");
    }
    if (body != null) {
      head.append("Content-Type: ").append(contentType).append("\r\n")
          .append("Content-Length: ").append(body.length).append("\r\n");
    }
    head.append("\r\n");
    byte[] h = head.toString().getBytes(StandardCharsets.ISO_8859_1);
    if (body == null) {
      return h;
    }
    byte[] all = Arrays.copyOf(h, h.length + body.length);
    System.arraycopy(body, 0, all, h.length, body.length);
    return all;
  }

  /** Counts occurrences of {@code needle} in the body (base64 and the v2 answers never hold it inside a string). */
  /** Occurrences of an ASCII needle in the body: String.indexOf is a vectorized intrinsic, a byte loop is not. */
  int count(String needle) {
    String text = new String(body, 0, bodyLength, StandardCharsets.ISO_8859_1);
    int count = 0;
    for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + needle.length())) {
      count++;
    }
    return count;
  }

}
