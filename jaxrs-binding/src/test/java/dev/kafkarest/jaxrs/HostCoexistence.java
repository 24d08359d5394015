package dev.kafkarest.jaxrs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.kafkarest.testing.HttpCalls;
import java.net.URI;

/** Checks shared by the sub-path tests: the host's resources and 404s stay the host's. */
public final class HostCoexistence {
  private HostCoexistence() {}

  /** {@code application}: the application's base URL; the proxy is mounted at its "kafka" sub-path. */
  public static void assertHostKeepsItsPaths(URI application) {
    HttpCalls host = new HttpCalls(application).unchecked(); // the host's own paths, not the proxy's contract
    HttpCalls.Reply hello = host.get("/hello");
    assertEquals(200, hello.status(), hello::toString);
    assertEquals("hello from the host", hello.body());
    HttpCalls.Reply outside = host.get("/elsewhere");
    assertEquals(404, outside.status(), outside::toString);
    assertFalse(outside.body().contains("error_code"), "the proxy answered outside its mount: " + outside);
  }
}
