package dev.kafkarest.kafka;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.Properties;
import org.apache.kafka.common.utils.AppInfoParser;

/** The kafka-clients version the host put on the classpath, for settings whose keys changed between versions. */
public final class ClientVersion {
  private static final String CLASS_FILE = "org/apache/kafka/common/utils/AppInfoParser.class";
  private static final String VERSION = read();
  private static final int MAJOR = major(VERSION);

  private ClientVersion() {}

  /** The version, e.g. "3.9.1"; "unknown" when it cannot be read. */
  public static String version() {
    return VERSION;
  }

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

  /**
   * kafka-clients' own version file, read from the jar that holds the client classes: {@code
   * AppInfoParser.getVersion()} may find the same file name in another Kafka jar first (kafka-streams, the server).
   */
  private static String read() {
    URL classFile = AppInfoParser.class.getClassLoader().getResource(CLASS_FILE);
    String text = classFile == null ? "" : classFile.toString();
    if (text.startsWith("jar:") && text.endsWith(CLASS_FILE)) {
      String jar = text.substring(0, text.length() - CLASS_FILE.length());
      try (InputStream in = new URL(jar + "kafka/kafka-version.properties").openStream()) {
        Properties properties = new Properties();
        properties.load(in);
        String version = properties.getProperty("version");
        if (version != null) {
          return version;
        }
      } catch (IOException e) {
        // not in that jar: ask Kafka
      }
    }
    return AppInfoParser.getVersion();
  }
}
