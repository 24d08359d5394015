package dev.kafkarest.kafka;

import dev.kafkarest.error.RestException;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.common.Node;

/** The cluster behind the proxy: its id (asked once, then kept), brokers and controller. Shared by v2 and v3. */
public final class ClusterAdmin {
  /** What describeCluster answers, brokers sorted by id; the controller may be unknown (null). */
  public record Cluster(String id, Node controller, List<Node> brokers) {
    public Node broker(int id) {
      return brokers.stream().filter(n -> n.id() == id).findFirst().orElse(null);
    }
  }

  private final Admin admin;
  private final AtomicReference<CompletableFuture<String>> clusterId = new AtomicReference<>();

  public ClusterAdmin(Admin admin) {
    this.admin = admin;
  }

  public Admin admin() {
    return admin;
  }

  public CompletionStage<Cluster> describe() {
    DescribeClusterResult result = admin.describeCluster();
    CompletableFuture<String> id = result.clusterId().toCompletionStage().toCompletableFuture();
    CompletableFuture<Node> controller = result.controller().toCompletionStage().toCompletableFuture();
    CompletableFuture<Collection<Node>> nodes = result.nodes().toCompletionStage().toCompletableFuture();
    return CompletableFuture.allOf(id, controller, nodes)
        .thenApply(done -> new Cluster(id.join(), controller.join(), sorted(nodes.join())));
  }

  public CompletionStage<List<Node>> brokers() {
    return admin.describeCluster().nodes().toCompletionStage().thenApply(ClusterAdmin::sorted);
  }

  private static List<Node> sorted(Collection<Node> nodes) {
    return nodes.stream().sorted(Comparator.comparingInt(Node::id)).toList();
  }

  /** The cluster's id; a failed look-up is not kept, so the next call asks again. */
  public CompletionStage<String> clusterId() {
    CompletableFuture<String> known = clusterId.get();
    if (known != null && !known.isCompletedExceptionally()) {
      return known;
    }
    CompletableFuture<String> asked = admin.describeCluster().clusterId().toCompletionStage().toCompletableFuture();
    clusterId.set(asked);
    return asked;
  }

  /** Completes when {@code id} is this cluster's id; 404 "Cluster X cannot be found." otherwise. */
  public CompletionStage<String> requireCluster(String id) {
    return clusterId().thenApply(actual -> {
      if (!actual.equals(id)) {
        throw new RestException(404, 404, "Cluster " + id + " cannot be found.");
      }
      return actual;
    });
  }
}
