package dev.kafkarest.kafka;

import org.apache.kafka.common.utils.AppInfoParser;

/** The kafka-clients version the host put on the classpath, for settings whose keys changed between versions. */
public final class ClientVersion {
  private static final int MAJOR = major(AppInfoParser.getVersion());

  private ClientVersion() {}

  /** The major version, or {@link Integer#MAX_VALUE} when it cannot be read (assume the newest behaviour). */
  public static int major() {
    return MAJOR;
  }

  static int major(String version) {
    int dot = version.indexOf('.');
    try {
      return Integer.parseInt(dot < 0 ? version : version.substring(0, dot));
    } catch (NumberFormatException e) {
      return Integer.MAX_VALUE;
    }
  }
}
