package dev.kafkarest.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import org.junit.jupiter.api.Test;

class ForwardedHeadersTest {
  private static final URI BASE = URI.create("http://10.0.0.5:8080/app/kafka");

  private static String apply(String... headers) {
    return ForwardedHeaders.apply(BASE, Headers.of(headers)).toString();
  }

  @Test
  void noHeadersKeepTheContainerUri() {
    assertEquals("http://10.0.0.5:8080/app/kafka", apply());
  }

  @Test
  void xForwardedHeaders() {
    assertEquals("https://proxy.example.com/edge/app/kafka", apply(
        "X-Forwarded-Proto", "https", "X-Forwarded-Host", "proxy.example.com", "X-Forwarded-Prefix", "/edge/"));
    assertEquals("https://proxy.example.com:8443/app/kafka",
        apply("X-Forwarded-Proto", "https", "X-Forwarded-Host", "proxy.example.com:8443"));
    assertEquals("http://proxy.example.com:9000/app/kafka",
        apply("X-Forwarded-Host", "proxy.example.com, inner.local", "X-Forwarded-Port", "9000"));
  }

  @Test
  void forwardedHeaderWinsAndUsesTheFirstElement() {
    assertEquals("https://a.example:444/app/kafka", apply(
        "Forwarded", "for=1.2.3.4;proto=https;host=\"a.example:444\", for=5.6.7.8;proto=http;host=b",
        "X-Forwarded-Host", "ignored.example"));
  }

  @Test
  void protoAloneDropsTheDefaultPortOnly() {
    URI onDefaultPort = URI.create("http://example.com/kafka");
    assertEquals("https://example.com/kafka",
        ForwardedHeaders.apply(onDefaultPort, Headers.of("X-Forwarded-Proto", "https")).toString());
    assertEquals("https://10.0.0.5:8080/app/kafka", apply("X-Forwarded-Proto", "https"));
  }

  @Test
  void garbageIsIgnored() {
    assertEquals("http://10.0.0.5:8080/app/kafka", apply(
        "X-Forwarded-Proto", "javascript", "X-Forwarded-Host", "evil.example/<script>",
        "X-Forwarded-Port", "99999", "X-Forwarded-Prefix", "no-slash"));
  }
}
