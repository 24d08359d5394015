package dev.kafkarest.servlet.jetty;

import dev.kafkarest.servlet.ServletLifecycleContract;
import jakarta.servlet.Servlet;
import java.net.URI;
import java.util.Map;

class JettyLifecycleTest extends ServletLifecycleContract {
  @Override
  protected Started start(Servlet servlet, Map<String, String> initParams) throws Exception {
    JettyServer jetty = new JettyServer("/app", "/kafka/*", servlet, initParams, null);
    return new Started() {
      @Override
      public URI mount() {
        return jetty.mount();
      }

      @Override
      public void close() throws Exception {
        jetty.close();
      }
    };
  }
}
