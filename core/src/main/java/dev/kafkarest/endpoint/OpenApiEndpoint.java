package dev.kafkarest.endpoint;

import dev.kafkarest.http.Body;
import dev.kafkarest.http.Endpoint;
import dev.kafkarest.http.MediaTypes;
import dev.kafkarest.http.MediaTypes.Offer;
import dev.kafkarest.http.RestResponse;
import dev.kafkarest.http.Router;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * {@code GET /openapi.json}: the OpenAPI 3.1 document of everything the proxy serves, and the same bytes as
 * {@code /openapi.yaml} (JSON is YAML 1.2), so that core reads no YAML at run time. The document is written as
 * YAML sources beside it (v2.yaml, v3.yaml) and merged into openapi.json by a test that fails when they drift.
 */
public final class OpenApiEndpoint implements Endpoint {
  /** Where the served document lives on the classpath. */
  public static final String RESOURCE = "/dev/kafkarest/openapi/openapi.json";
  private static final String YAML = "application/yaml";

  /** Read once per class loader, on the first request for it: every proxy serves the same bytes. */
  private static final class Document {
    static final byte[] BYTES = load();

    private static byte[] load() {
      try (InputStream in = OpenApiEndpoint.class.getResourceAsStream(RESOURCE)) {
        if (in == null) {
          throw new IllegalStateException(RESOURCE + " is missing from the kafka-rest-core jar");
        }
        return in.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  @Override
  public void routes(Router.Builder routes) {
    routes.add("GET", "/openapi.json", Set.of(), List.of(new Offer(MediaTypes.JSON, 1.0)),
        (req, p) -> answer(MediaTypes.JSON));
    routes.add("GET", "/openapi.yaml", Set.of(), List.of(new Offer(YAML, 1.0)), (req, p) -> answer(YAML));
  }

  private CompletableFuture<RestResponse> answer(String type) {
    return CompletableFuture.completedFuture(RestResponse.of(200, type, Body.of(Document.BYTES)));
  }
}
