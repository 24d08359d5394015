package dev.kafkarest.endpoint.v2;

import dev.kafkarest.consumer.ConsumerRegistry;
import dev.kafkarest.http.Handler;
import dev.kafkarest.http.NodeForwarder;
import dev.kafkarest.http.PathParams;
import dev.kafkarest.http.RestRequest;
import dev.kafkarest.http.RestResponse;
import dev.kafkarest.security.AccessGuard;
import dev.kafkarest.security.Operation;
import dev.kafkarest.security.Resource;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Durable instances with forwarding on: a request for an instance that another node holds goes to that node,
 * and its answer comes back as it is, so the instance stays where it is. When the owner cannot be reached, does
 * not answer within the request's bound, or answers 503 while the store still names it (it is closing), this node
 * serves the request itself, which takes the instance over as without forwarding.
 *
 * <p>Served here, never forwarded: requests that another node forwarded ({@value NodeForwarder#MARKER}), so a
 * request makes one hop at most; event streams ({@code Accept: text/event-stream}), whose one takeover is small
 * against a stream's life; instances of a principal when the request has no {@code Authorization} for the owner's
 * host to authenticate again (a principal from a client certificate does not travel); and anything the checks
 * here refuse, so that the local handler gives its own error answer.
 */
final class InstanceForwarding {
  private static final Logger log = LoggerFactory.getLogger(InstanceForwarding.class);
  /** Beyond a read's own wait: the owner answers within wait + 200 ms, plus the hop, plus room for a loaded host. */
  static final Duration READ_MARGIN = Duration.ofSeconds(2);
  /** Any other consumer call answers within 30 s on its node. */
  static final Duration CALL_BOUND = Duration.ofSeconds(35);

  private final ConsumerRegistry registry;
  private final AccessGuard guard;
  private final NodeForwarder forwarder;

  InstanceForwarding(ConsumerRegistry registry, AccessGuard guard, NodeForwarder forwarder) {
    this.registry = registry;
    this.guard = guard;
    this.forwarder = forwarder;
  }

  /** {@code local} as it is, behind the forwarding decision; {@code records}: the route is a records read. */
  Handler wrap(Handler local, boolean records) {
    return (req, p) -> {
      if (NodeForwarder.forwarded(req) || records && InstanceEvents.asked(req)) {
        return local.handle(req, p);
      }
      ConsumerRegistry.Owner owner;
      Duration bound;
      try {
        Optional<ConsumerRegistry.Owner> found = registry.ownerElsewhere(p.get("group"), p.get("name"),
            req.principal(), req.header("Authorization").isPresent());
        if (found.isEmpty()) {
          return local.handle(req, p); // held here (a sticky call pays one map look-up), or to take over
        }
        guard.require(req, Operation.CONSUME, Resource.group(p.get("group")));
        owner = found.get();
        bound = records ? readBound(req, owner) : CALL_BOUND;
      } catch (RuntimeException e) {
        return local.handle(req, p); // it checks again and answers in its own format
      }
      byte[] body = req.body().readAllBytes(); // bounded by request.max.bytes, as every handler's read
      RestRequest again = new RestRequest(req.method(), req.path(), req.query(), req.headers(),
          new ByteArrayInputStream(body), req.baseUri(), req.principal());
      return forwarder.forward(owner.url(), again, body, bound)
          .thenComposeAsync(outcome -> answer(outcome, owner, local, again, p), forwarder.executor());
    };
  }

  private CompletionStage<RestResponse> answer(NodeForwarder.Outcome outcome, ConsumerRegistry.Owner owner,
                                               Handler local, RestRequest req, PathParams p) {
    if (outcome instanceof NodeForwarder.Answered answered
        && (answered.response().status() != 503 || !stillNamed(owner, req, p))) {
      registry.forwardOutcome("forwarded");
      return CompletableFuture.completedFuture(answered.response());
    }
    log.debug("Node {} at {} did not serve {} {} ({}); serving it here", owner.node(), owner.url(), req.method(),
        req.path(), outcome);
    registry.forwardOutcome("takeover");
    try {
      return local.handle(req, p);
    } catch (Exception e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Whether the store still names the node that answered 503: it is closing or stuck, not the instance moving. */
  private boolean stillNamed(ConsumerRegistry.Owner owner, RestRequest req, PathParams p) {
    try {
      return registry.ownerElsewhere(p.get("group"), p.get("name"), req.principal(), true)
          .map(o -> o.node().equals(owner.node())).orElse(false);
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** A read's wait as its owner computes it (the query's timeout within the instance's ceiling), plus the margin. */
  private Duration readBound(RestRequest req, ConsumerRegistry.Owner owner) {
    String text = req.queryParam("timeout").orElse("");
    long requested = text.isBlank() ? -1 : Long.parseLong(text.trim()); // a bad number: the local handler's 400
    return Duration.ofMillis(registry.readTimeoutMs(owner.settings(), requested)).plus(READ_MARGIN);
  }
}
