package dev.kafkarest.jaxrs;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;

/** A host's own resource next to the proxy: it must keep working, the proxy must not shadow it. */
@Path("hello")
public class HelloResource {
  @GET
  @Produces("text/plain")
  public String hello() {
    return "hello from the host";
  }
}
