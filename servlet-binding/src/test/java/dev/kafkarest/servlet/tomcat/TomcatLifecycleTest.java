package dev.kafkarest.servlet.tomcat;

import dev.kafkarest.servlet.ServletLifecycleContract;
import jakarta.servlet.Servlet;
import java.net.URI;
import java.util.Map;

class TomcatLifecycleTest extends ServletLifecycleContract {
  @Override
  protected Started start(Servlet servlet, Map<String, String> initParams) throws Exception {
    TomcatServer tomcat = new TomcatServer("/app", "/kafka/*", servlet, initParams, 0);
    return new Started() {
      @Override
      public URI mount() {
        return tomcat.mount();
      }

      @Override
      public void close() throws Exception {
        tomcat.close();
      }
    };
  }
}
