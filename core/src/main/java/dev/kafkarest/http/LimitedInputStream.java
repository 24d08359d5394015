package dev.kafkarest.http;

import dev.kafkarest.error.Errors;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Fails with 413 as soon as more than {@code limit} bytes are read, so an oversized body is never buffered. */
public final class LimitedInputStream extends FilterInputStream {
  private final long limit;
  private long count;

  public LimitedInputStream(InputStream in, long limit) {
    super(in);
    this.limit = limit;
  }

  @Override
  public int read() throws IOException {
    int b = super.read();
    if (b >= 0) {
      count(1);
    }
    return b;
  }

  @Override
  public int read(byte[] buf, int off, int len) throws IOException {
    int n = super.read(buf, off, len);
    if (n > 0) {
      count(n);
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    long skipped = super.skip(n);
    count(skipped);
    return skipped;
  }

  private void count(long n) {
    count += n;
    if (count > limit) {
      throw Errors.requestTooLarge(limit);
    }
  }
}
