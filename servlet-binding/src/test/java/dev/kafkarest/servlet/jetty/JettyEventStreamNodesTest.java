package dev.kafkarest.servlet.jetty;

import dev.kafkarest.KafkaRest;
import dev.kafkarest.servlet.KafkaRestServlet;
import dev.kafkarest.testing.EventStreamNodesContract;

/** Event streams across nodes, each node the servlet on its own Jetty 12 ee10: context /app, servlet /kafka/*. */
class JettyEventStreamNodesTest extends EventStreamNodesContract {
  @Override
  protected Server serve(KafkaRest rest) throws Exception {
    JettyServer jetty = new JettyServer("/app", "/kafka/*", new KafkaRestServlet(rest));
    return server(jetty.mount(), jetty);
  }
}
