package dev.kafkarest.endpoint.v3;

import dev.kafkarest.error.Errors;
import dev.kafkarest.error.RestException;
import dev.kafkarest.http.PathParams;
import dev.kafkarest.http.RestRequest;
import dev.kafkarest.kafka.ClusterAdmin;
import dev.kafkarest.kafka.GroupAdmin;
import dev.kafkarest.kafka.GroupAdmin.Group;
import dev.kafkarest.security.AccessGuard;
import dev.kafkarest.security.Operation;
import dev.kafkarest.security.Resource;
import java.util.concurrent.CompletionStage;

/** The {@code {group}} of a path, after the access check (DESCRIBE on the group) and the cluster-id check. */
final class GroupLookup {
  private final ClusterAdmin clusters;
  private final GroupAdmin groups;
  private final AccessGuard guard;

  GroupLookup(ClusterAdmin clusters, GroupAdmin groups, AccessGuard guard) {
    this.clusters = clusters;
    this.groups = groups;
    this.guard = guard;
  }

  /** 404 with {@code missing} when Kafka does not know the group: upstream's message differs per endpoint. */
  CompletionStage<Group> require(RestRequest req, PathParams p, String missing) {
    String groupId = p.get("group");
    guard.require(req, Operation.DESCRIBE, Resource.group(groupId));
    return clusters.requireCluster(p.get("cluster")).thenCompose(ok -> groups.describe(groupId))
        .thenApply(g -> g.orElseThrow(() -> new RestException(Errors.NOT_FOUND, Errors.NOT_FOUND, missing)));
  }
}
