package dev.kafkarest.idempotency;

import dev.kafkarest.http.Body;
import dev.kafkarest.http.RestResponse;
import java.io.ByteArrayOutputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * The answer to a keyed request as it is stored and replayed: status, content type and body bytes. The body is
 * kept deflated, in the marker topic and in every node's memory: answers are lists of offsets that shrink about
 * tenfold, every node holds every answer of the retention, and a large request's answer would otherwise not fit
 * in one record (a v3 stream of 6000 records answers about 1.3 MB).
 */
public final class StoredAnswer {
  /** Marks an answer that was replayed from the store, not produced again (as Stripe's API names it). */
  public static final String REPLAYED_HEADER = "Idempotent-Replayed";

  private final int status;
  private final String contentType;
  private final byte[] deflated;

  private StoredAnswer(int status, String contentType, byte[] deflated) {
    this.status = status;
    this.contentType = contentType;
    this.deflated = deflated;
  }

  static StoredAnswer of(int status, String contentType, byte[] body) {
    return new StoredAnswer(status, contentType, deflate(body));
  }

  /** An answer read back from the marker topic, its body as stored there. */
  static StoredAnswer ofDeflated(int status, String contentType, byte[] deflated) {
    return new StoredAnswer(status, contentType, deflated);
  }

  int status() {
    return status;
  }

  String contentType() {
    return contentType;
  }

  byte[] deflated() {
    return deflated;
  }

  /** The body, inflated. */
  byte[] body() {
    Inflater inflater = new Inflater();
    try {
      inflater.setInput(deflated);
      ByteArrayOutputStream out = new ByteArrayOutputStream(deflated.length * 8);
      byte[] chunk = new byte[8192];
      while (!inflater.finished()) {
        int n = inflater.inflate(chunk);
        if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
          throw new IllegalStateException("a stored answer is cut short");
        }
        out.write(chunk, 0, n);
      }
      return out.toByteArray();
    } catch (DataFormatException e) {
      throw new IllegalStateException("a stored answer is not deflated data", e);
    } finally {
      inflater.end();
    }
  }

  RestResponse toResponse(boolean replayed) {
    return toResponse(body(), replayed);
  }

  /** The answer with {@code body}, which is this answer's body (the first answer has it at hand). */
  RestResponse toResponse(byte[] body, boolean replayed) {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    if (contentType != null) {
      headers.put("Content-Type", List.of(contentType));
    }
    if (replayed) {
      headers.put(REPLAYED_HEADER, List.of("true"));
    }
    return new RestResponse(status, headers, Body.of(body));
  }

  private static byte[] deflate(byte[] body) {
    Deflater deflater = new Deflater(Deflater.BEST_SPEED); // on every keyed request's path: speed over the last bytes
    try {
      deflater.setInput(body);
      deflater.finish();
      ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, body.length / 4));
      byte[] chunk = new byte[8192];
      while (!deflater.finished()) {
        out.write(chunk, 0, deflater.deflate(chunk));
      }
      return out.toByteArray();
    } finally {
      deflater.end();
    }
  }
}
