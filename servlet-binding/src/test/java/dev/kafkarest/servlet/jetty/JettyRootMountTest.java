package dev.kafkarest.servlet.jetty;

import dev.kafkarest.KafkaRest;
import dev.kafkarest.servlet.KafkaRestServlet;
import dev.kafkarest.testing.ProxyContract;
import java.net.URI;

/** The contract on Jetty 12 ee10: root context, servlet /* (the proxy owns the whole server). */
class JettyRootMountTest extends ProxyContract {
  private JettyServer jetty;

  @Override
  protected URI mount(KafkaRest rest) throws Exception {
    jetty = new JettyServer("", "/*", new KafkaRestServlet(rest));
    return jetty.mount();
  }

  @Override
  protected void unmount() throws Exception {
    jetty.close();
  }
}
