package dev.kafkarest.servlet.tomcat;

import dev.kafkarest.KafkaRest;
import dev.kafkarest.servlet.KafkaRestServlet;
import dev.kafkarest.testing.ProxyContract;
import java.net.URI;

/** The contract on embedded Tomcat: root context, servlet /kafka/*. */
class TomcatRootMountTest extends ProxyContract {
  private TomcatServer tomcat;

  @Override
  protected URI mount(KafkaRest rest) throws Exception {
    tomcat = new TomcatServer("", "/kafka/*", new KafkaRestServlet(rest));
    return tomcat.mount();
  }

  @Override
  protected void unmount() throws Exception {
    tomcat.close();
  }
}
