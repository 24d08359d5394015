package dev.kafkarest.error;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Short, client-safe descriptions of Jackson parse failures: no class names, no echo of the document, and none
 * of Jackson's own vocabulary (its "[Source: REDACTED (StreamReadFeature... disabled)]" locations, token names),
 * which tells a client nothing about what to fix.
 */
final class JsonMessages {
  /** Jackson's location inside a message, e.g. a start marker's: "[Source: REDACTED (...); line: 1, column: 12]". */
  private static final Pattern SOURCE = Pattern.compile("\\[Source: .*?; line: (\\d+), column: (\\d+)\\]");
  private static final Pattern OPENED = Pattern.compile("(?i)close marker for (object|array) \\(start marker at line "
      + "(\\d+), column (\\d+)\\)");

  private JsonMessages() {}

  static String clean(JacksonException e) {
    String message = e.getOriginalMessage();
    if (message == null) {
      message = "Malformed JSON";
    }
    int cut = message.indexOf('\n');
    if (cut >= 0) {
      message = message.substring(0, cut);
    }
    message = SOURCE.matcher(message).replaceAll("line $1, column $2");
    if (e instanceof JsonEOFException) {
      message = truncated(message);
    }
    message = message.replaceAll("\\b(?:[a-z][a-z0-9_]*\\.)+([A-Z]\\w*)", "$1");
    if (message.length() > 200) {
      message = message.substring(0, 200) + "...";
    }
    var location = e.getLocation();
    String where = location == null ? "" : " at line " + location.getLineNr() + ", column " + location.getColumnNr();
    return "Malformed JSON: " + message + where;
  }

  /** The body stopped inside a value: say so, and which object or array was left open. */
  private static String truncated(String message) {
    Matcher opened = OPENED.matcher(message);
    String what = "the body ends before the JSON document is complete";
    if (opened.find()) {
      String kind = opened.group(1).equalsIgnoreCase("object") ? "an object" : "an array";
      return what + " (" + kind + " opened at line " + opened.group(2) + ", column " + opened.group(3)
          + " is not closed)";
    }
    return what;
  }
}
