package dev.kafkarest.http;

/** A family of routes (topics, produce, consumers, ...). Adding one never touches the router. */
public interface Endpoint {
  void routes(Router.Builder routes);
}
