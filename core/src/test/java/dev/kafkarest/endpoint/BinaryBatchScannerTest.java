package dev.kafkarest.endpoint;

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
        "{\"records\":[{\"value\":\"aGVsbG8h\u00e9AAA\"}]}", // not ASCII
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
  }

  @Test
  void randomBodiesReadTheSameOnBothPaths() throws IOException {
    long seed = Long.getLong("fuzz.seed", System.nanoTime());
    Random random = new Random(seed);
    String[] values = {"null", "\"\"", "\"" + b64("abc") + "\"", "\"" + b64("ab") + "\"", "\"" + b64("a") + "\"",
        "\"YWI\"", "\"YW=j\"", "\"YWJj\\n\"", "\"x\"", "7", "true"};
    String[] partitions = {"0", "2", "10", "-1", "01", "1.5", "null", "\"1\"", "2147483647", "99999999999"};
    String[] names = {"key", "value", "partition", "value", "topic"};
    String[] spaces = {"", "", "", " ", "\n", "\t"};
    int accepted = 0;
    for (int i = 0; i < 20_000; i++) {
      StringBuilder body = new StringBuilder().append(pick(random, spaces)).append("{\"records\":[");
      for (int r = random.nextInt(4); r >= 0; r--) {
        body.append(pick(random, spaces)).append('{');
        for (int f = random.nextInt(4); f > 0; f--) {
          String name = pick(random, names);
          body.append(pick(random, spaces)).append('"').append(name).append("\":").append(pick(random, spaces))
              .append(name.equals("partition") ? pick(random, partitions) : pick(random, values))
              .append(f > 1 ? "," : "");
        }
        body.append('}').append(r > 0 ? "," : "");
      }
      body.append("]}").append(pick(random, spaces));
      if (random.nextInt(4) == 0) { // one character changed, dropped or added
        int at = random.nextInt(body.length());
        String edits = "{}[],:\"\\ 0aA=/";
        char c = edits.charAt(random.nextInt(edits.length()));
        switch (random.nextInt(3)) {
          case 0 -> body.setCharAt(at, c);
          case 1 -> body.deleteCharAt(at);
          default -> body.insert(at, c);
        }
      }
      ProduceRequestReader.ParsedRequest fast = BinaryBatchScanner.scan(bytes(body.toString()), MAX_RECORDS);
      if (fast != null) {
        accepted++;
        assertSame(general(body.toString()), fast, body + " (seed " + seed + ")");
      }
    }
    // Fields and values are picked so that a good share of the bodies is valid: the comparison must happen.
    assertTrue(accepted > 1000, accepted + " of 20000 bodies were accepted (seed " + seed + ")");
  }

  private static String pick(Random random, String[] choices) {
    return choices[random.nextInt(choices.length)];
  }

  @Test
  void wholeReadUsesTheFastPathAndFallsBackWithTheSameErrors() throws IOException {
    String a = b64("x");
    ProduceRequestReader.ParsedRequest read = GENERAL.read(new ByteArrayInputStream(
        bytes("{\"records\":[{\"value\":\"" + a + "\",\"partition\":1}]}")));
    assertArrayEquals("x".getBytes(StandardCharsets.UTF_8), (byte[]) read.records().get(0).value());
    assertEquals(1, read.records().get(0).partition());
    // An escaped slash is valid JSON: the general reader takes it.
    read = GENERAL.read(new ByteArrayInputStream(bytes("{\"records\":[{\"value\":\"Pz8\\/\"}]}")));
    assertArrayEquals(new byte[] {63, 63, 63}, (byte[]) read.records().get(0).value());
    RestException unknown = assertThrows(RestException.class,
        () -> GENERAL.read(new ByteArrayInputStream(bytes("{\"records\":[{\"value\":\"" + a + "\",\"x\":1}]}"))));
    assertEquals(422, unknown.status());
    RestException badBase64 = assertThrows(RestException.class,
        () -> GENERAL.read(new ByteArrayInputStream(bytes("{\"records\":[{\"value\":\"*\"}]}"))));
    assertEquals(400, badBase64.status());
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
