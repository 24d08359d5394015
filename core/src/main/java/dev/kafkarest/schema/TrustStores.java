package dev.kafkarest.schema;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** Builds the TLS context for a registry behind a private CA, from {@code schema.registry.ssl.truststore.*}. */
final class TrustStores {
  private TrustStores() {}

  static SSLContext sslContext(RegistrySettings settings) {
    try {
      String type = settings.truststoreType() != null ? settings.truststoreType() : "JKS";
      KeyStore store = KeyStore.getInstance(type);
      char[] password = settings.truststorePassword() == null ? null : settings.truststorePassword().toCharArray();
      try (InputStream in = Files.newInputStream(Path.of(settings.truststoreLocation()))) {
        store.load(in, password);
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(store);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, tmf.getTrustManagers(), null);
      return context;
    } catch (Exception e) {
      // No path or password in the message: config values never leave the process.
      throw new IllegalArgumentException("schema.registry.ssl.truststore.* could not be loaded", e);
    }
  }
}
