package dev.kafkarest.servlet.tomcat;

import dev.kafkarest.KafkaRest;
import dev.kafkarest.servlet.KafkaRestServlet;
import dev.kafkarest.testing.EventStreamNodesContract;

/**
 * Event streams across nodes, each node the servlet on its own embedded Tomcat (11 and 10.1 executions): context
 * /app, servlet /kafka/*.
 */
class TomcatEventStreamNodesTest extends EventStreamNodesContract {
  @Override
  protected Server serve(KafkaRest rest) throws Exception {
    TomcatServer tomcat = new TomcatServer("/app", "/kafka/*", new KafkaRestServlet(rest));
    return server(tomcat.mount(), tomcat);
  }
}
