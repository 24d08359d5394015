package dev.kafkarest.security;

import dev.kafkarest.error.Errors;
import dev.kafkarest.error.RestException;
import dev.kafkarest.http.RestRequest;

/** Applies the {@link AccessPolicy} for endpoints: one call per check, 403/40301 when denied. */
public final class AccessGuard {
  private final AccessPolicy policy;

  public AccessGuard(AccessPolicy policy) {
    this.policy = policy;
  }

  public void require(RestRequest request, Operation operation, Resource resource) {
    if (!allows(request, operation, resource)) {
      throw new RestException(Errors.FORBIDDEN, Errors.KAFKA_AUTHORIZATION,
          "Forbidden: not authorized to " + operation.name().toLowerCase(java.util.Locale.ROOT) + " "
              + resource.type().name().toLowerCase(java.util.Locale.ROOT) + " " + Errors.quote(resource.name()) + ".");
    }
  }

  public boolean allows(RestRequest request, Operation operation, Resource resource) {
    return policy == AccessPolicy.ALLOW_ALL || policy.allows(request.principal(), operation, resource);
  }
}
