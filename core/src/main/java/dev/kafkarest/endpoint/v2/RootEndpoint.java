package dev.kafkarest.endpoint.v2;

import dev.kafkarest.http.Endpoint;
import dev.kafkarest.http.Json;
import dev.kafkarest.http.Router;
import java.util.Map;

/** {@code GET /}: an empty object, as Confluent answers; handy as a liveness probe. */
public final class RootEndpoint implements Endpoint {
  @Override
  public void routes(Router.Builder routes) {
    routes.add("GET", "/", V2Types.NO_BODY, V2Types.ANSWER_V2, (req, p) -> Json.ok(Map.of()));
  }
}
