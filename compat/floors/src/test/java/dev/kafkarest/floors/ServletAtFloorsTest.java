package dev.kafkarest.floors;

import dev.kafkarest.KafkaRest;
import dev.kafkarest.servlet.KafkaRestServlet;
import dev.kafkarest.testing.ProxyContract;
import java.net.URI;

/** The contract with every shared library at its floor: the servlet on Tomcat 10.1, context /app, /kafka/*. */
class ServletAtFloorsTest extends ProxyContract {
  private FloorTomcat tomcat;

  @Override
  protected URI mount(KafkaRest rest) throws Exception {
    tomcat = new FloorTomcat("/kafka/*", new KafkaRestServlet(rest));
    return tomcat.uri("/kafka");
  }

  @Override
  protected void unmount() throws Exception {
    tomcat.close();
  }
}
