package dev.kafkarest.endpoint.v3;

/** Kafka's rule for a topic name: 1 to 249 of {@code [a-zA-Z0-9._-]}, and not "." or "..". */
final class TopicNames {
  private static final int MAX_LENGTH = 249;

  private TopicNames() {}

  static boolean isValid(String name) {
    if (name.isEmpty() || name.length() > MAX_LENGTH || name.equals(".") || name.equals("..")) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '.' || c == '_' || c == '-';
      if (!ok) {
        return false;
      }
    }
    return true;
  }
}
