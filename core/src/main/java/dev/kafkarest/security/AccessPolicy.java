package dev.kafkarest.security;

/**
 * The host's access-control hook. The binding passes the container's authenticated principal (or null for an
 * anonymous caller); the policy allows or denies each operation. A denied call answers 403/40301 and touches
 * nothing. Called on request threads: keep it fast and thread-safe.
 */
@FunctionalInterface
public interface AccessPolicy {
  AccessPolicy ALLOW_ALL = (principal, operation, resource) -> true;

  boolean allows(String principal, Operation operation, Resource resource);
}
