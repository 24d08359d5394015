package dev.kafkarest.examples.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * One Server-Sent Events stream of a topic from the beginning, read over a plain socket until {@code n} events
 * have arrived: {records, seconds}. Counts {@code data:} lines as they pass, decoding the chunked framing on the
 * way, so the client costs little next to the proxy.
 */
final class EventStreamConsume {
  private EventStreamConsume() {}

  static double[] run(int port, String topic, long n) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(60_000);
      socket.setReceiveBufferSize(1 << 20);
      OutputStream out = socket.getOutputStream();
      long start = System.nanoTime();
      out.write(("GET /kafka/topics/" + topic + "/events?format=binary&start=earliest HTTP/1.1\r\nHost: 127.0.0.1:"
          + port + "\r\nAccept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = new BufferedInputStream(socket.getInputStream(), 1 << 16);
      String status = line(in);
      if (!status.contains(" 200 ")) {
        throw new IOException("events answered " + status);
      }
      boolean chunked = false;
      for (String header = line(in); !header.isEmpty(); header = line(in)) {
        chunked |= header.toLowerCase(java.util.Locale.ROOT).startsWith("transfer-encoding:")
            && header.toLowerCase(java.util.Locale.ROOT).contains("chunked");
      }
      byte[] buf = new byte[1 << 16];
      // Matches "\ndata: " across reads: the state is how much of it was seen last.
      byte[] mark = "\ndata: ".getBytes(StandardCharsets.US_ASCII);
      int matched = 0;
      long count = 0;
      long chunkLeft = chunked ? nextChunk(in) : Long.MAX_VALUE;
      while (count < n) {
        if (chunkLeft == 0) {
          line(in); // the CRLF after a chunk
          chunkLeft = nextChunk(in);
          if (chunkLeft == 0) {
            break;
          }
        }
        int r = in.read(buf, 0, (int) Math.min(buf.length, chunkLeft));
        if (r < 0) {
          break;
        }
        chunkLeft -= r;
        for (int i = 0; i < r; i++) {
          byte b = buf[i];
          if (b == mark[matched]) {
            if (++matched == mark.length) {
              count++;
              matched = 0;
            }
          } else {
            matched = b == mark[0] ? 1 : 0;
          }
        }
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      socket.setSoLinger(true, 0); // the client leaves, as a browser that closes its tab
      return new double[] {count, seconds};
    }
  }

  private static long nextChunk(InputStream in) throws IOException {
    String size = line(in);
    return Long.parseLong(size.split(";")[0].trim(), 16);
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
