package dev.kafkarest.jaxrs;

import jakarta.ws.rs.core.FeatureContext;
import java.lang.reflect.Proxy;

/**
 * JAX-RS has no portable "application stopped" callback. On Jersey, a {@code ContainerLifecycleListener} is
 * one; it is registered reflectively so that the binding needs no Jersey dependency. Elsewhere nothing is
 * registered and the host closes the feature itself.
 */
final class JerseyShutdown {
  private static final String LISTENER = "org.glassfish.jersey.server.spi.ContainerLifecycleListener";

  private JerseyShutdown() {}

  /** Registers {@code onShutdown} with Jersey; returns false when the runtime is not Jersey. */
  static boolean register(FeatureContext context, Runnable onShutdown) {
    Class<?> listener = load(Thread.currentThread().getContextClassLoader());
    if (listener == null) {
      listener = load(JerseyShutdown.class.getClassLoader());
    }
    if (listener == null) {
      return false;
    }
    Object hook = Proxy.newProxyInstance(listener.getClassLoader(), new Class<?>[] {listener},
        (proxy, method, args) -> switch (method.getName()) {
          case "onShutdown" -> {
            onShutdown.run();
            yield null;
          }
          case "hashCode" -> System.identityHashCode(proxy);
          case "equals" -> proxy == args[0];
          case "toString" -> "KafkaRest shutdown hook";
          default -> null; // onStartup, onReload
        });
    context.register(hook);
    return true;
  }

  private static Class<?> load(ClassLoader loader) {
    try {
      return loader == null ? null : Class.forName(LISTENER, false, loader);
    } catch (ClassNotFoundException | LinkageError e) {
      return null;
    }
  }
}
