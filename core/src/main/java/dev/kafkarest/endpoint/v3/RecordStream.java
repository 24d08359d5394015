package dev.kafkarest.endpoint.v3;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.kafkarest.error.Errors;
import dev.kafkarest.error.ExceptionMapper;
import dev.kafkarest.error.RestException;
import dev.kafkarest.http.Json;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * The top-level JSON values of a streaming produce body, one at a time, as soon as each is complete (the parser
 * never waits for more than the value it is reading). Each value is bounded by {@code maxRecordBytes}.
 */
final class RecordStream {
  /** Upstream's answer to an oversized record; the stream then ends. */
  static final String TOO_LARGE =
      "Bad Request: Error processing message: Produce request size is larger than allowed threshold";
  private static final ObjectReader TREES = Json.MAPPER.reader().without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private final CountingStream counted;
  private JsonParser parser;
  private long recordBytes;

  RecordStream(InputStream body, long maxRecordBytes) {
    this.counted = new CountingStream(body, maxRecordBytes);
  }

  /**
   * The next value, or null at the end of the body. A malformed value or one over the size limit is a
   * {@link RestException} (400) and ends the stream; an {@link IOException} means the body could not be read.
   */
  JsonNode next() throws IOException {
    counted.startRecord();
    try {
      if (parser == null) {
        // Created here, on the stream's reader thread: the parser reads the first bytes to detect the encoding.
        parser = Json.MAPPER.getFactory().createParser(counted);
      }
      if (parser.nextToken() == null) {
        return null;
      }
      long start = parser.getTokenLocation().getByteOffset();
      JsonNode record = TREES.readTree(parser);
      recordBytes = parser.getCurrentLocation().getByteOffset() - start;
      return record;
    } catch (JacksonException e) {
      throw ExceptionMapper.toRestException(e);
    } catch (TooLarge e) {
      throw Errors.malformedJson(TOO_LARGE);
    }
  }

  /** The size in the body of the value {@link #next} returned last, from its first byte to its last. */
  long recordBytes() {
    return recordBytes;
  }

  private static final class TooLarge extends RuntimeException {
    TooLarge() {
      super(null, null, false, false);
    }
  }

  /** Counts bytes since the current record began (read-ahead included, so the bound is approximate). */
  private static final class CountingStream extends FilterInputStream {
    private final long limit;
    private long count;

    CountingStream(InputStream in, long limit) {
      super(in);
      this.limit = limit;
    }

    void startRecord() {
      count = 0;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      count(b < 0 ? 0 : 1);
      return b;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
      int n = super.read(buf, off, len);
      count(Math.max(n, 0));
      return n;
    }

    private void count(int n) {
      count += n;
      if (count > limit) {
        throw new TooLarge();
      }
    }
  }
}
