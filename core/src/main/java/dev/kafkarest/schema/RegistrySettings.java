package dev.kafkarest.schema;

import dev.kafkarest.KafkaRestConfig;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code schema.registry.*} settings the client uses, read once from the proxy config. Key names follow
 * Confluent's SerDe options under the {@code schema.registry.} prefix.
 */
public record RegistrySettings(List<URI> urls, Duration timeout, String userInfo, String truststoreLocation,
                               String truststorePassword, String truststoreType, int cacheSize) {
  public static final String REQUEST_TIMEOUT_MS = "schema.registry.request.timeout.ms";
  public static final String CACHE_SIZE = "schema.registry.cache.size";
  static final long DEFAULT_TIMEOUT_MS = 5000;
  static final int DEFAULT_CACHE_SIZE = 1000;

  public RegistrySettings {
    urls = List.copyOf(urls);
    if (urls.isEmpty()) {
      throw new IllegalArgumentException("schema.registry.url lists no URL");
    }
  }

  /** Settings with no authentication or TLS, for tests and simple setups. */
  public static RegistrySettings of(String urls, Duration timeout) {
    return new RegistrySettings(parseUrls(urls), timeout, null, null, null, null, DEFAULT_CACHE_SIZE);
  }

  /** True when {@code schema.registry.url} names at least one registry. */
  public static boolean isConfigured(KafkaRestConfig config) {
    String urls = config.get(KafkaRestConfig.SCHEMA_REGISTRY_URL);
    return urls != null && !urls.isBlank();
  }

  public static RegistrySettings from(KafkaRestConfig config) {
    Map<String, String> sr = config.withPrefix("schema.registry.");
    long timeoutMs = longValue(sr.get("request.timeout.ms"), DEFAULT_TIMEOUT_MS, REQUEST_TIMEOUT_MS);
    int cacheSize = (int) longValue(sr.get("cache.size"), DEFAULT_CACHE_SIZE, CACHE_SIZE);
    String source = sr.getOrDefault("basic.auth.credentials.source", "USER_INFO");
    String userInfo = "USER_INFO".equalsIgnoreCase(source.trim()) ? sr.get("basic.auth.user.info") : null;
    return new RegistrySettings(parseUrls(config.get(KafkaRestConfig.SCHEMA_REGISTRY_URL)),
        Duration.ofMillis(timeoutMs), blankToNull(userInfo),
        blankToNull(sr.get("ssl.truststore.location")), sr.get("ssl.truststore.password"),
        blankToNull(sr.get("ssl.truststore.type")), cacheSize);
  }

  static List<URI> parseUrls(String urls) {
    List<URI> out = new ArrayList<>();
    for (String part : urls.split(",")) {
      String url = part.trim();
      if (url.isEmpty()) {
        continue;
      }
      URI uri = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
      if (!"http".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme())) {
        throw new IllegalArgumentException("schema.registry.url must list http or https URLs");
      }
      out.add(uri);
    }
    return out;
  }

  private static long longValue(String text, long fallback, String key) {
    if (text == null || text.isBlank()) {
      return fallback;
    }
    try {
      long value = Long.parseLong(text.trim());
      if (value <= 0) {
        throw new NumberFormatException();
      }
      return value;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be a positive number");
    }
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }

  @Override
  public String toString() {
    // Never print the password or the user info.
    return "RegistrySettings[urls=" + urls + ", timeout=" + timeout + "]";
  }
}
