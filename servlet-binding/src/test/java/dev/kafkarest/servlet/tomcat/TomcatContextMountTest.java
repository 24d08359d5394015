package dev.kafkarest.servlet.tomcat;

import dev.kafkarest.KafkaRest;
import dev.kafkarest.servlet.KafkaRestServlet;
import dev.kafkarest.testing.ProxyContract;
import java.net.URI;

/** The contract on embedded Tomcat (11 and 10.1 executions): context /app, servlet /kafka/*. */
class TomcatContextMountTest extends ProxyContract {
  private TomcatServer tomcat;

  @Override
  protected URI mount(KafkaRest rest) throws Exception {
    tomcat = new TomcatServer("/app", "/kafka/*", new KafkaRestServlet(rest));
    return tomcat.mount();
  }

  @Override
  protected void unmount() throws Exception {
    tomcat.close();
  }
}
