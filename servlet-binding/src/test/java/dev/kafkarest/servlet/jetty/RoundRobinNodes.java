package dev.kafkarest.servlet.jetty;

import dev.kafkarest.testing.HttpCalls;
import dev.kafkarest.testing.HttpCalls.Reply;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A client that sends every call to the next node, as a round-robin load balancer would: a node marked down whose
 * address refuses the connection is skipped (the call goes on to the next node and is no proxy error), and a
 * documented "try again" answer (503 with {@code error_code} 50003, or 503 from a store wait) is retried on the
 * next node. Any other answer of 300 or more, and a connection error on a node that is up, is a failure.
 */
final class RoundRobinNodes {
  /** One node's address; {@link #down} once the test killed it. */
  static final class Node {
    final String name;
    final HttpCalls calls;
    volatile boolean down;

    Node(String name, URI mount) {
      this.name = name;
      this.calls = new HttpCalls(mount);
    }
  }

  /** A call's answer, the node that gave it, and how long it took (the retries and skips before it included). */
  record Answer(Node node, Reply reply, long nanos) {
  }

  private final List<Node> nodes = new ArrayList<>();
  private final Consumer<String> beforeEachRequest;
  final List<String> failures = new ArrayList<>();
  final List<String> retried = new ArrayList<>();
  int skipped;
  private int next;

  /** {@code beforeEachRequest} hears the name of the node each request is about to reach. */
  RoundRobinNodes(Consumer<String> beforeEachRequest) {
    this.beforeEachRequest = beforeEachRequest;
  }

  void add(Node node) {
    nodes.add(node);
  }

  /** A node that comes back (a restart) takes the place of the one of the same name, in the same rotation slot. */
  void replace(Node node) {
    for (int i = 0; i < nodes.size(); i++) {
      if (nodes.get(i).name.equals(node.name)) {
        nodes.set(i, node);
        return;
      }
    }
    throw new IllegalArgumentException("no node " + node.name);
  }

  Node node(String name) {
    return nodes.stream().filter(n -> n.name.equals(name)).findFirst().orElseThrow();
  }

  /** The name of the node the next call goes to first. */
  String nextNode() {
    return nodes.get(next % nodes.size()).name;
  }

  Answer call(String method, String path, String contentType, String body, String... headers) {
    long start = System.nanoTime();
    long deadline = start + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(method + " " + path + ": no node answered within 60 s");
      }
      Node node = nodes.get(next++ % nodes.size());
      Reply reply;
      try {
        beforeEachRequest.accept(node.name);
        reply = switch (method) {
          case "GET" -> node.calls.get(path, headers);
          case "DELETE" -> node.calls.delete(path, headers);
          default -> node.calls.post(path, contentType, body == null ? "" : body, headers);
        };
      } catch (UncheckedIOException e) {
        if (!node.down) {
          throw new AssertionError(method + " " + path + " on node " + node.name + " (up): " + e.getCause(), e);
        }
        skipped++; // the dead node's address: a load balancer moves on to the next node
        continue;
      }
      boolean tryAgain = reply.status() == 503 && (reply.errorCode() == 50003 || reply.errorCode() == 503);
      if (tryAgain && System.nanoTime() < deadline) {
        retried.add(method + " " + path + " on " + node.name + ": " + reply);
        continue;
      }
      if (reply.status() >= 300) {
        failures.add(method + " " + path + " on " + node.name + ": " + reply);
      }
      return new Answer(node, reply, System.nanoTime() - start);
    }
  }
}
