package dev.kafkarest.kafka;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DeleteAclsResult.FilterResult;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;

/**
 * ACLs on the cluster: search, create and delete. A broker without an authorizer fails each call with
 * SecurityDisabledException, which maps to 400/40002 as upstream.
 */
public final class AclAdmin {
  private final Admin admin;

  public AclAdmin(Admin admin) {
    this.admin = admin;
  }

  public CompletionStage<Collection<AclBinding>> search(AclBindingFilter filter) {
    return admin.describeAcls(filter).values().toCompletionStage();
  }

  /** Creates all bindings; fails with the first failure when any one is refused (as upstream, not atomic). */
  public CompletionStage<Void> create(List<AclBinding> bindings) {
    return admin.createAcls(bindings).all().toCompletionStage();
  }

  /** Deletes what matches the filter and answers the bindings deleted. */
  public CompletionStage<List<AclBinding>> delete(AclBindingFilter filter) {
    return admin.deleteAcls(List.of(filter)).values().get(filter).toCompletionStage().thenApply(result -> {
      List<AclBinding> deleted = new ArrayList<>();
      for (FilterResult r : result.values()) {
        if (r.binding() != null) {
          deleted.add(r.binding());
        }
      }
      return deleted;
    });
  }
}
