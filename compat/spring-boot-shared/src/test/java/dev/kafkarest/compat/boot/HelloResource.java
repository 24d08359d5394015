package dev.kafkarest.compat.boot;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;

/** The host's own resource, to show it keeps answering next to the proxy. */
@Path("hello")
public class HelloResource {
  @GET
  @Produces("text/plain")
  public String hello() {
    return "hello";
  }
}
