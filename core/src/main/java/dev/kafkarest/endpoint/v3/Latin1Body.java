package dev.kafkarest.endpoint.v3;

import dev.kafkarest.error.Errors;
import dev.kafkarest.http.MediaTypes;
import dev.kafkarest.http.RestRequest;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * v3 produce bodies are UTF-8 or, as upstream also accepts, ISO-8859-1 ({@code Content-Type: application/json;
 * charset=ISO-8859-1}), which is re-encoded to UTF-8 as it streams; any other charset is a 400.
 */
final class Latin1Body extends FilterInputStream {
  private int pending = -1; // the second byte of a two-byte character, not yet returned

  private Latin1Body(InputStream in) {
    super(in);
  }

  /** The request body as UTF-8, whatever of the two accepted charsets it was sent in. */
  static InputStream utf8(RestRequest req) {
    String charset = MediaTypes.charset(req.header("Content-Type").orElse(null));
    if (charset == null || charset.equals("utf-8") || charset.equals("utf8")) {
      return req.body();
    }
    if (charset.equals("iso-8859-1") || charset.equals("latin1")) {
      return new Latin1Body(req.body());
    }
    throw Errors.badRequest("Unsupported charset " + Errors.quote(charset) + ": only UTF-8 and ISO-8859-1.");
  }

  @Override
  public int read() throws IOException {
    if (pending >= 0) {
      int b = pending;
      pending = -1;
      return b;
    }
    int b = super.read();
    if (b < 0x80) {
      return b; // ASCII, or the end (-1)
    }
    pending = 0x80 | (b & 0x3F);
    return 0xC0 | (b >> 6);
  }

  @Override
  public int read(byte[] buf, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    int n = 0;
    while (n < len) {
      // Block only for the first byte; after it, take what is already there, so a record is never held back.
      if (n > 0 && pending < 0 && in.available() <= 0) {
        break;
      }
      int b = read();
      if (b < 0) {
        return n == 0 ? -1 : n;
      }
      buf[off + n++] = (byte) b;
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    long skipped = 0;
    while (skipped < n && read() >= 0) {
      skipped++;
    }
    return skipped;
  }

  @Override
  public boolean markSupported() {
    return false;
  }
}
