package dev.kafkarest.consumer;

import dev.kafkarest.KafkaRestConfig;
import dev.kafkarest.consumer.durable.InstanceState;
import dev.kafkarest.consumer.durable.InstanceStore;
import dev.kafkarest.error.Errors;
import dev.kafkarest.error.RestException;
import dev.kafkarest.http.NodeForwarder;
import dev.kafkarest.kafka.KafkaClients;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry's side of durable consumer instances: keeps the shared store in step with this node's instances,
 * takes instances over from other nodes, and drops the ones another node took.
 *
 * <p>Ownership rule: the owner of an instance is the node named by the latest record for it in the state topic
 * (log order) that applies: a claim applies only if no other record for the instance came after the one it was
 * built from (see {@link InstanceStore}). A node takes an instance over by appending a claim and uses it only once
 * its own reader has reached that claim, found it applied and found no later record; a node drops its copy
 * (closing the consumer without a commit) as soon as its reader applies a later record naming another node, or a
 * tombstone. Kafka backs this up for
 * subscribed instances: every copy of an instance joins its group with the same {@code group.instance.id}, so
 * the newest member fences the older one, whose next poll or commit fails with {@code FencedInstanceIdException}.
 */
final class DurableInstances implements InstanceStore.Listener {
  private static final Logger log = LoggerFactory.getLogger(DurableInstances.class);
  /** Longest wait for the store on a request's path: a write's acknowledgement, or the reader catching up. */
  static final long STORE_WAIT_MS = 5_000;
  /** A claim that came back void is built again from the newer record this many times in all, at most. */
  private static final int CLAIM_ATTEMPTS = 2;

  private final InstanceStore store;
  private final String nodeId;
  /** This node's base URL ({@code consumer.instances.node.url}), or null: then nothing is forwarded. */
  private final String nodeUrl;
  /** Sends requests for instances held elsewhere to their owner; null when this node has no URL. */
  private final NodeForwarder forwarder;
  private final Clock clock;
  private final ConsumerRegistry registry;
  /** Per instance this node holds: the position of the latest record this node wrote for it, and its use then. */
  private final Map<ConsumerInstanceId, Held> held = new ConcurrentHashMap<>();
  /** Instances whose expiry tombstone this node is writing. */
  private final Set<ConsumerInstanceId> expiring = ConcurrentHashMap.newKeySet();

  private static final class Held {
    volatile long offset = -1;
    volatile long storedUseMillis;
    volatile boolean refreshing;
  }

  static boolean enabled(KafkaRestConfig config) {
    return config.getBoolean(KafkaRestConfig.CONSUMER_DURABLE);
  }

  DurableInstances(KafkaRestConfig config, KafkaClients clients, Clock clock, ConsumerRegistry registry) {
    String configured = config.get(KafkaRestConfig.CONSUMER_NODE_ID).trim();
    String prefix = config.get(KafkaRestConfig.ID).trim();
    this.nodeId = !configured.isEmpty() ? configured
        : (prefix.isEmpty() ? "" : prefix + "-") + UUID.randomUUID();
    String url = config.get(KafkaRestConfig.CONSUMER_NODE_URL).trim();
    this.nodeUrl = url.isEmpty() ? null : NodeForwarder.baseUrl(url); // the configuration checked it already
    this.clock = clock;
    this.registry = registry;
    this.store = new InstanceStore(config, clients, nodeId);
    this.forwarder = nodeUrl == null ? null : new NodeForwarder(nodeId);
    store.start(this);
  }

  /** The member id every copy of the instance uses in its group: stable, and valid whatever the names hold. */
  static String groupInstanceId(ConsumerInstanceId id) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest((id.group() + '\u0000' + id.name()).getBytes(StandardCharsets.UTF_8));
      return "kafka-rest-" + HexFormat.of().formatHex(digest, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  // ---- create, change, delete ----

  /** Whether the store knows the name; a chosen name is checked after catching up with the topic. */
  boolean exists(ConsumerInstanceId id, boolean chosenName) {
    if (chosenName) {
      await(store.sync());
    }
    return store.get(id).isPresent();
  }

  void created(ConsumerInstance instance) {
    try {
      wrote(instance.id(), await(store.write(state(instance))));
    } catch (RuntimeException e) {
      registry.drop(instance);
      throw e;
    }
  }

  /** On the instance's executor, after subscribe, assign or unsubscribe: the next node must see it. */
  void subscriptionChanged(ConsumerInstance instance) {
    wrote(instance.id(), await(store.write(state(instance))));
  }

  /** Ends the instance everywhere: a tombstone, and its static member out of the group so others get its partitions. */
  CompletionStage<Void> deleted(ConsumerInstanceId id) {
    held.remove(id);
    store.removeStaticMember(id.group(), groupInstanceId(id));
    return store.delete(id).orTimeout(STORE_WAIT_MS, TimeUnit.MILLISECONDS).exceptionally(e -> {
      log.warn("Could not write the deletion of consumer instance {} to the state topic", id, e);
      throw Errors.unavailable("Could not record the deletion; try again.");
    });
  }

  /**
   * This node's copy expired: the instance ends everywhere if this node still owns it; if the topic already names
   * a newer owner (whose use this node's clock did not see), only the copy goes.
   */
  CompletionStage<Void> expired(ConsumerInstanceId id) {
    Held h = held.remove(id);
    boolean owner = h != null && store.get(id).map(e -> e.state().node().equals(nodeId) || e.offset() <= h.offset)
        .orElse(true);
    return owner ? deleted(id) : CompletableFuture.completedFuture(null);
  }

  private InstanceState state(ConsumerInstance instance) {
    return new InstanceState(instance.id(), instance.settings(), instance.owner(), instance.subscriptionState(),
        clock.millis(), nodeId, nodeUrl);
  }

  private void wrote(ConsumerInstanceId id, InstanceStore.Entry entry) {
    Held h = held.computeIfAbsent(id, k -> new Held());
    h.offset = Math.max(h.offset, entry.offset());
    h.storedUseMillis = entry.state().lastUsedMillis();
  }

  // ---- forwarding ----

  NodeForwarder forwarder() {
    return forwarder;
  }

  /**
   * For an instance this node does not hold: its recorded owner, when the request should go there rather than be
   * served here. Empty when forwarding is off, the store does not know the instance (the caller's takeover path
   * answers 404 then), the record names this node or a node without a URL or with this node's URL (a restarted
   * node under a new name), or the instance belongs to a principal whose identity would not reach the owner:
   * the owner learns the caller only from the forwarded headers, so without {@code Authorization} it is served here.
   * The access rule is checked here first: another caller's instance answers 403 without a hop.
   */
  Optional<ConsumerRegistry.Owner> ownerElsewhere(ConsumerInstanceId id, String principal,
                                                  boolean credentialsTravel) {
    if (forwarder == null) {
      return Optional.empty();
    }
    Optional<InstanceStore.Entry> entry = store.get(id);
    if (entry.isEmpty()) {
      await(store.sync()); // it may have been created on another node a moment ago
      entry = store.get(id);
    }
    if (entry.isEmpty()) {
      return Optional.empty();
    }
    InstanceState state = entry.get().state();
    if (state.principal() != null && !state.principal().equals(principal)) {
      throw new RestException(Errors.FORBIDDEN, Errors.KAFKA_AUTHORIZATION,
          "Forbidden: this consumer instance belongs to another caller.");
    }
    if (state.node().equals(nodeId) || state.nodeUrl() == null || state.nodeUrl().equals(nodeUrl)
        || state.principal() != null && !credentialsTravel || silent(state)) {
      return Optional.empty();
    }
    return Optional.of(new ConsumerRegistry.Owner(state.node(), state.nodeUrl(), state.settings()));
  }

  /**
   * Whether the owner has not recorded a use for longer than it would while the instance is in use (it records one
   * at least every refresh interval of use, checked once a second): its node may answer HTTP but not reach Kafka,
   * so its instance is taken over rather than forwarded to. This is before any node would expire the instance
   * (timeout plus one interval). An instance left idle that long is taken over once, at its next request.
   */
  private boolean silent(InstanceState state) {
    long refreshEvery = Math.max(1000, registry.instanceTimeoutMs() / 4);
    return clock.millis() - state.lastUsedMillis() > 2 * refreshEvery + 1000;
  }

  // ---- takeover ----

  /**
   * An instance this node does not hold: rebuilt from the store (its consumer, created at the first call, claims
   * it first), or null when the store does not know it either.
   */
  ConsumerInstance takeOver(ConsumerInstanceId id, String principal) {
    Optional<InstanceStore.Entry> entry = store.get(id);
    if (entry.isEmpty()) {
      await(store.sync()); // it may have been created on another node a moment ago
      entry = store.get(id);
    }
    if (entry.isEmpty()) {
      return null;
    }
    InstanceState state = entry.get().state();
    if (state.principal() != null && !state.principal().equals(principal)) {
      throw new RestException(Errors.FORBIDDEN, Errors.KAFKA_AUTHORIZATION,
          "Forbidden: this consumer instance belongs to another caller.");
    }
    return registry.register(id, state.settings(), state.principal(), state);
  }

  /** The instance's consumer factory: first claims the instance in the store, then builds the consumer. */
  Supplier<Consumer<byte[], byte[]>> claimingFactory(ConsumerInstanceId id,
                                                     Supplier<Consumer<byte[], byte[]>> factory) {
    return () -> {
      Held h = held.get(id);
      if (h == null || h.offset < 0 || !ownedHere(id, h)) {
        claim(id);
      }
      return factory.get();
    };
  }

  private boolean ownedHere(ConsumerInstanceId id, Held h) {
    // Absent: the reader has not reached this node's own write yet (a tombstone would have dropped the instance).
    return store.get(id).map(e -> e.state().node().equals(nodeId) || e.offset() <= h.offset).orElse(true);
  }

  /**
   * Catches up with the topic (the instance's last owner may have changed its subscription a moment ago), rebuilds
   * from what is there, appends this node's claim, conditional on the record it was built from, and waits to read it
   * back. The claim holds if every reader applied it (no other record for the instance came between its base and
   * it) and no other node claimed after it. A void claim means the instance changed meanwhile: after a change by its
   * owner this node builds its claim again from the newer record, once; after another node's claim the request
   * answers 503 "try again" (the first claim wins); after a tombstone (deleted, or expired on its owner) it answers
   * 404, as for any deleted instance.
   */
  private void claim(ConsumerInstanceId id) {
    for (int attempt = 1; ; attempt++) {
      // Until its claim applies this node holds nothing: an older position of its own must not make the reader
      // drop the copy being built for records that came before the claim.
      held.remove(id);
      await(store.sync());
      ConsumerInstance local = registry.local(id);
      InstanceStore.Entry base = store.get(id).orElse(null);
      if (local == null || base == null) {
        if (local != null) {
          registry.drop(local, false);
        }
        throw Errors.consumerInstanceNotFound();
      }
      if (!java.util.Objects.equals(base.state().principal(), local.owner())
          || base.state().settings().format() != local.settings().format()) {
        registry.drop(local); // deleted and created again under this name: the client's retry starts afresh
        throw moved();
      }
      local.restoreOnFirstUse(base.state().subscription());
      InstanceStore.Entry claim = await(store.claim(base.state().withNode(nodeId, nodeUrl, clock.millis()), base));
      await(store.awaitRead(claim.partition(), claim.offset()));
      if (!store.voided(id, claim.offset())) {
        wrote(id, claim); // first: from now on the reader drops this copy for any later record of another node
        InstanceStore.Entry latest = store.get(id).orElse(null);
        if (latest == null) {
          registry.drop(local, false);
          throw Errors.consumerInstanceNotFound();
        }
        if (latest.offset() != claim.offset() && !latest.state().node().equals(nodeId)) {
          registry.drop(local); // another node claimed it after us: it is theirs
          throw moved();
        }
        log.debug("Node {} took over consumer instance {}", nodeId, id);
        return;
      }
      Optional<InstanceStore.Entry> now = store.get(id); // once: the reader thread may change it meanwhile
      if (now.isEmpty()) {
        // Deleted or expired after our base. The tombstone goes again, after our void claim, so that the log ends
        // with it: compaction may drop the first one, and a node reading from the beginning then would not know
        // the claim is void.
        store.delete(id).whenComplete((v, e) -> {
          if (e != null) {
            log.debug("Could not write the tombstone of consumer instance {} again", id, e);
          }
        });
        registry.drop(local, false);
        throw Errors.consumerInstanceNotFound();
      }
      if (attempt == CLAIM_ATTEMPTS || !now.get().state().node().equals(base.state().node())) {
        registry.drop(local); // another node's claim won, or it keeps changing under us: the client's retry finds it
        throw moved();
      }
      log.debug("Claim of consumer instance {} by node {} was void (it changed meanwhile); claiming again", id, nodeId);
    }
  }

  static RestException moved() {
    return new RestException(Errors.SERVICE_UNAVAILABLE, Errors.KAFKA_RETRIABLE,
        "The consumer instance moved to another node while this request ran; try again.");
  }

  /** On the store's reader thread: a record naming another node, newer than ours, or a tombstone, ends our copy. */
  @Override
  public void changed(ConsumerInstanceId id, InstanceStore.Entry entry) {
    ConsumerInstance local = registry.local(id);
    if (local == null) {
      return;
    }
    if (entry == null) {
      held.remove(id);
      registry.drop(local, false);
      return;
    }
    Held h = held.get(id);
    if (h != null && h.offset >= 0 && entry.offset() > h.offset && !entry.state().node().equals(nodeId)) {
      log.debug("Consumer instance {} moved from node {} to node {}", id, nodeId, entry.state().node());
      held.remove(id, h);
      registry.drop(local);
    }
  }

  // ---- expiry and use ----

  /**
   * Once a second: records the use of this node's instances at most every quarter of the instance timeout, and
   * ends instances that no node has used for the timeout plus that quarter (their owner stopped without closing).
   */
  void maintain() {
    long timeout = registry.instanceTimeoutMs();
    long refreshEvery = Math.max(1000, timeout / 4);
    long now = clock.millis();
    for (ConsumerInstance instance : registry.locals()) {
      Held h = held.get(instance.id());
      if (h == null || h.offset < 0 || h.refreshing || instance.lost()
          || instance.lastUsedMillis() - h.storedUseMillis < refreshEvery) {
        continue;
      }
      InstanceStore.Entry latest = store.get(instance.id()).orElse(null);
      if (latest == null || latest.offset() > h.offset) {
        continue; // the reader is about to tell us who holds it now
      }
      h.refreshing = true;
      InstanceState used = latest.state().withNode(nodeId, nodeUrl, instance.lastUsedMillis());
      store.write(used).whenComplete((e, error) -> {
        h.refreshing = false;
        if (e != null) {
          wrote(instance.id(), e);
        }
      });
    }
    for (InstanceStore.Entry e : store.entries()) {
      ConsumerInstanceId id = e.state().id();
      if (registry.local(id) == null && now - e.state().lastUsedMillis() > timeout + refreshEvery
          && expiring.add(id)) {
        log.info("Consumer instance {} expired: no node used it for {} ms", id, now - e.state().lastUsedMillis());
        deleted(id).whenComplete((v, error) -> expiring.remove(id));
      }
    }
  }

  void close() {
    if (forwarder != null) {
      forwarder.close();
    }
    store.close();
  }

  private <T> T await(Future<T> future) {
    try {
      return future.get(STORE_WAIT_MS, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      future.cancel(false);
      log.warn("The consumer instance store did not answer within {} ms ({})", STORE_WAIT_MS, store.describe());
      throw Errors.unavailable("The consumer instance store did not answer in time; try again.");
    } catch (ExecutionException e) {
      log.warn("The consumer instance store failed", e.getCause());
      throw Errors.unavailable("The consumer instance store is not available; try again.");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Errors.unavailable("Interrupted.");
    }
  }

}
