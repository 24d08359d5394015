package dev.kafkarest.endpoint.v2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kafkarest.error.RestException;
import dev.kafkarest.format.BinaryFormat;
import dev.kafkarest.http.Json;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The binary fast path must read every body it accepts exactly as the general (Jackson) reader does, and leave
 * everything else, including every error, to the general reader.
 */
class BinaryBatchScannerTest {
  private static final int MAX_RECORDS = 50;
  private static final ProduceRequestReader GENERAL = new ProduceRequestReader(new BinaryFormat(), MAX_RECORDS);

  @Test
  void readsPlainBodiesAsTheGeneralReaderDoes() throws IOException {
    String a = b64("hello");
    String b = b64(new byte[] {0, -1, 127, -128, 10});
    for (String body : List.of(
        "{\"records\":[{\"value\":\"" + a + "\"}]}",
        "{\"records\":[{\"key\":\"" + b + "\",\"value\":\"" + a + "\",\"partition\":2}]}",
        "{\"records\":[{\"partition\":0,\"value\":null,\"key\":\"" + a + "\"},{\"value\":\"" + b + "\"}]}",
        " {\n \"records\" : [ { \"value\" : \"" + a + "\" , \"key\" : null } ,\t{ } ]\r\n} \n",
        "{\"records\":[{\"value\":\"\"},{\"value\":\"" + a + "\",\"partition\":2147483647}]}")) {
      ProduceRequestReader.ParsedRequest fast = BinaryBatchScanner.scan(bytes(body), MAX_RECORDS);
      assertNotNull(fast, body);
      assertSame(general(body), fast, body);
    }
  }

  @Test
  void leavesEverythingElseToTheGeneralReader() {
    String a = b64("hello!");
    for (String body : List.of(
        "",
        "null",
        "{\"records\":[]}",
        "{\"records\":null}",
        "{\"records\":[{\"value\":\"aGVsbG8h\\/\"}]}", // an escape
        "{\"records\":[{\"value\":\"aGVsbG8\"}]}", // no padding
        "{\"records\":[{\"value\":\"aGVs*G8h\"}]}", // not base64
        "{\"records\":[{\"value\":\"aGVsbG8h\u00e9AA\"}]}", // not ASCII (12 bytes, so past the length check)
        "{\"records\":[{\"value\":\"YQ==YQ==\"}]}", // padding inside: the general reader's lenient decoder
        "\ufeff{\"records\":[{\"value\":\"" + a + "\"}]}", // a byte order mark
        "{\"records\":[{\"value\":\"" + a + "\",\"partition\":-0}]}",
        "{\"records\":[{\"value\":12}]}",
        "{\"records\":[{\"value\":\"" + a + "\",\"value\":\"" + a + "\"}]}",
        "{\"records\":[{\"value\":\"" + a + "\",\"partition\":-1}]}",
        "{\"records\":[{\"value\":\"" + a + "\",\"partition\":01}]}",
        "{\"records\":[{\"value\":\"" + a + "\",\"partition\":1.0}]}",
        "{\"records\":[{\"value\":\"" + a + "\",\"partition\":2147483648}]}",
        "{\"records\":[{\"value\":\"" + a + "\",\"partition\":null}]}",
        "{\"records\":[{\"value\":\"" + a + "\",\"topic\":\"t\"}]}",
        "{\"records\":[{\"value\":\"" + a + "\"},]}",
        "{\"records\":[{\"value\":\"" + a + "\"}]} x",
        "{\"records\":[{\"value\":\"" + a + "\"}],\"value_schema_id\":1}",
        "{\"value_schema_id\":null,\"records\":[{\"value\":\"" + a + "\"}]}",
        "{\"records\":[{\"value\":\"" + a + "\"}]",
        "{\"records\":[{\"value\":\"" + a + "\"" // cut off
    )) {
      assertNull(BinaryBatchScanner.scan(bytes(body), MAX_RECORDS), body);
    }
    StringBuilder tooMany = new StringBuilder("{\"records\":[");
    for (int i = 0; i <= MAX_RECORDS; i++) {
      tooMany.append(i == 0 ? "" : ",").append("{\"value\":\"").append(a).append("\"}");
    }
    assertNull(BinaryBatchScanner.scan(bytes(tooMany.append("]}").toString()), MAX_RECORDS));
    String exactly = tooMany.toString().replaceFirst(",\\{[^{]*\\}]}$", "]}");
    assertEquals(MAX_RECORDS, BinaryBatchScanner.scan(bytes(exactly), MAX_RECORDS).records().size());
    byte[] invalidUtf8 = bytes("{\"records\":[{\"value\":\"YWJjZA==\"}]}");
    invalidUtf8[23] = (byte) 0xFF;
    assertNull(BinaryBatchScanner.scan(invalidUtf8, MAX_RECORDS));
  }

  /**
   * The contract, on generated bodies: reading a body gives the same records, or the same error, as the general
   * reader alone. Bodies are built from the produce grammar with good and bad pieces, then often get one character
   * changed, dropped or added. Replay a failure with {@code -Dfuzz.seed=N}.
   */
  @Test
  void randomBodiesReadTheSameOnBothPaths() {
    long seed = Long.getLong("fuzz.seed", 20261126L);
    Random random = new Random(seed);
    String[] values = {"null", "nul", "nullx", "\"null\"", "\"\"", "\"" + b64("abc") + "\"", "\"" + b64("ab") + "\"",
        "\"" + b64("a") + "\"", "\"YWI\"", "\"YW=j\"", "\"====\"", "\"YQ==YQ==\"", "\"YWJj\\n\"", "\"YW\\/j\"", "\"x\"",
        "7", "true", "{}"};
    String[] partitions = {"0", "2", "10", "-1", "-0", "01", "1.5", "1e2", "null", "\"1\"", "2147483647",
        "1000000000", "2147483648", "99999999999"};
    String[] names = {"key", "value", "partition", "value", "topic", "records"};
    String[] spaces = {"", "", "", " ", "\n", "\t", "\r\n "};
    String edits = "{}[],:\"\\ 0aA=/-e.1\u0001\u00e9\u000b";
    int accepted = 0;
    for (int i = 0; i < 20_000; i++) {
      StringBuilder body = new StringBuilder().append(pick(random, spaces)).append('{').append(pick(random, spaces))
          .append("\"records\"").append(pick(random, spaces)).append(':').append(pick(random, spaces)).append('[');
      for (int r = random.nextInt(4); r >= 0; r--) {
        body.append(pick(random, spaces)).append('{');
        for (int f = random.nextInt(4); f > 0; f--) {
          String name = pick(random, names);
          body.append(pick(random, spaces)).append('"').append(name).append('"').append(pick(random, spaces))
              .append(':').append(pick(random, spaces))
              .append(name.equals("partition") ? pick(random, partitions) : pick(random, values))
              .append(f > 1 ? "," : "");
        }
        body.append('}').append(r > 0 ? "," : "");
      }
      body.append("]}").append(pick(random, spaces));
      if (random.nextInt(3) == 0) { // one character changed, dropped or added
        int at = random.nextInt(body.length());
        char c = edits.charAt(random.nextInt(edits.length()));
        switch (random.nextInt(3)) {
          case 0 -> body.setCharAt(at, c);
          case 1 -> body.deleteCharAt(at);
          default -> body.insert(at, c);
        }
      }
      byte[] bytes = bytes(body.toString());
      String where = body + " (seed " + seed + ")";
      if (outcome(() -> BinaryBatchScanner.scan(bytes, MAX_RECORDS)).startsWith("records")) {
        accepted++;
      }
      assertEquals(outcome(() -> GENERAL.parse(Json.MAPPER.createParser(bytes))),
          outcome(() -> GENERAL.read(new ByteArrayInputStream(bytes), bytes.length)), where);
    }
    // Pieces are picked so that a good share of the bodies is valid: the fast path must be compared, not skipped.
    assertTrue(accepted > 1000, accepted + " of 20000 bodies took the fast path (seed " + seed + ")");
  }

  /** A comparable account of what reading did: the records, or the failure. */
  private static String outcome(java.util.concurrent.Callable<ProduceRequestReader.ParsedRequest> read) {
    try {
      ProduceRequestReader.ParsedRequest parsed = read.call();
      if (parsed == null) {
        return "declined";
      }
      StringBuilder s = new StringBuilder("records ").append(parsed.schemas());
      for (ProduceRequestReader.ParsedRecord r : parsed.records()) {
        s.append(" [").append(java.util.Arrays.toString((byte[]) r.key())).append(' ')
            .append(java.util.Arrays.toString((byte[]) r.value())).append(' ').append(r.partition()).append(']');
      }
      return s.toString();
    } catch (RestException e) {
      return "error " + e.status() + " " + e.errorCode() + " " + e.getMessage();
    } catch (Exception e) {
      return "failure " + e.getClass().getName() + " " + e.getMessage();
    }
  }

  private static String pick(Random random, String[] choices) {
    return choices[random.nextInt(choices.length)];
  }

  @Test
  void wholeReadUsesTheFastPathAndFallsBackWithTheSameErrors() throws IOException {
    String a = b64("x");
    ProduceRequestReader.ParsedRequest read = read("{\"records\":[{\"value\":\"" + a + "\",\"partition\":1}]}");
    assertArrayEquals("x".getBytes(StandardCharsets.UTF_8), (byte[]) read.records().get(0).value());
    assertEquals(1, read.records().get(0).partition());
    // An escaped slash is valid JSON: the general reader takes it.
    read = read("{\"records\":[{\"value\":\"Pz8\\/\"}]}");
    assertArrayEquals(new byte[] {63, 63, 63}, (byte[]) read.records().get(0).value());
    RestException unknown = assertThrows(RestException.class,
        () -> read("{\"records\":[{\"value\":\"" + a + "\",\"x\":1}]}"));
    assertEquals(422, unknown.status());
    RestException badBase64 = assertThrows(RestException.class,
        () -> read("{\"records\":[{\"value\":\"*\"}]}"));
    assertEquals(400, badBase64.status());
  }

  private static ProduceRequestReader.ParsedRequest read(String body) throws IOException {
    byte[] bytes = bytes(body);
    return GENERAL.read(new ByteArrayInputStream(bytes), bytes.length);
  }

  private static ProduceRequestReader.ParsedRequest general(String body) throws IOException {
    return GENERAL.parse(Json.MAPPER.createParser(bytes(body)));
  }

  private static void assertSame(ProduceRequestReader.ParsedRequest expected, ProduceRequestReader.ParsedRequest actual,
                                 String body) {
    assertEquals(expected.schemas(), actual.schemas(), body);
    assertEquals(expected.records().size(), actual.records().size(), body);
    for (int i = 0; i < expected.records().size(); i++) {
      ProduceRequestReader.ParsedRecord e = expected.records().get(i);
      ProduceRequestReader.ParsedRecord r = actual.records().get(i);
      assertArrayEquals((byte[]) e.key(), (byte[]) r.key(), body);
      assertArrayEquals((byte[]) e.value(), (byte[]) r.value(), body);
      assertEquals(e.partition(), r.partition(), body);
    }
  }

  private static String b64(String text) {
    return b64(text.getBytes(StandardCharsets.UTF_8));
  }

  private static String b64(byte[] data) {
    return Base64.getEncoder().encodeToString(data);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
