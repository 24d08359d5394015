package dev.kafkarest.error;

import com.fasterxml.jackson.core.JacksonException;

/** Short, client-safe descriptions of Jackson parse failures: no class names, no echo of the document. */
final class JsonMessages {
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
    message = message.replaceAll("\\b(?:[a-z][a-z0-9_]*\\.)+([A-Z]\\w*)", "$1");
    if (message.length() > 200) {
      message = message.substring(0, 200) + "...";
    }
    var location = e.getLocation();
    String where = location == null ? "" : " at line " + location.getLineNr() + ", column " + location.getColumnNr();
    return "Malformed JSON: " + message + where;
  }
}
