package dev.kafkarest.servlet;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** The request body, noting whether a read of it failed (the client went away mid-body). */
final class ReadFailures extends FilterInputStream {
  private volatile boolean failed;

  ReadFailures(InputStream in) {
    super(in);
  }

  boolean failed() {
    return failed;
  }

  @Override
  public int read() throws IOException {
    try {
      return super.read();
    } catch (IOException e) {
      failed = true;
      throw e;
    }
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    try {
      return super.read(b, off, len);
    } catch (IOException e) {
      failed = true;
      throw e;
    }
  }
}
