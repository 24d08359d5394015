package dev.kafkarest.jaxrs;

import dev.kafkarest.KafkaRest;
import dev.kafkarest.KafkaRestConfig;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.container.Suspended;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Feature;
import jakarta.ws.rs.core.FeatureContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.core.UriInfo;
import java.io.InputStream;
import java.util.Objects;

/**
 * Mounts a {@link KafkaRest} in a JAX-RS application: {@code register(new KafkaRestFeature(kafkaRest))}, or
 * return it from {@code Application.getSingletons()}. The object is itself the root resource, because runtimes
 * differ on resources registered from inside a Feature (Jersey takes them, RESTEasy ignores them) but all take
 * a singleton resource. Its {@code {path: .*}} template has no literal characters, so the host's own resources
 * always win; the proxy answers the rest of the application's paths (the mount is the {@code @ApplicationPath}
 * or servlet mapping), or only those under {@link Builder#path}. Only methods are listed: JAX-RS answers HEAD
 * and OPTIONS itself.
 *
 * <p>A proxy handed in is owned by the host, which closes it after the application stops.
 * {@link #builder(KafkaRestConfig)} creates one the feature owns: Jersey closes it when the application shuts
 * down (registered through {@code register()}); on other runtimes the host calls {@link #close()}, as JAX-RS
 * has no portable shutdown callback.
 */
@Path("{path: .*}")
public final class KafkaRestFeature implements Feature, AutoCloseable {
  private final KafkaRest rest;
  private final boolean owned;
  private final Mount mount;

  /** Mounts a host-owned proxy at the application's root path. */
  public KafkaRestFeature(KafkaRest rest) {
    this(builder(rest));
  }

  private KafkaRestFeature(Builder b) {
    this.rest = b.rest != null ? b.rest : KafkaRest.create(b.config);
    this.owned = b.rest == null;
    this.mount = new Mount(rest, b.path, b.trustForwarded);
  }

  /** A feature for a proxy the host owns and closes. */
  public static Builder builder(KafkaRest rest) {
    return new Builder(Objects.requireNonNull(rest, "rest"), null);
  }

  /** A feature that creates its own proxy from {@code config}; {@link #close()} closes it. */
  public static Builder builder(KafkaRestConfig config) {
    return new Builder(null, Objects.requireNonNull(config, "config"));
  }

  @Override
  public boolean configure(FeatureContext context) {
    if (owned) {
      JerseyShutdown.register(context, this::close);
    }
    context.register(new QuietCloseAfterClientLeft());
    Object servletHooks = mount.servletHooks();
    if (servletHooks != null) {
      context.register(servletHooks);
    }
    return true;
  }

  /** The proxy this feature serves. */
  public KafkaRest kafkaRest() {
    return rest;
  }

  /** Closes the proxy if this feature created it; a host-owned proxy is left alone. */
  @Override
  public void close() {
    if (owned) {
      rest.close();
    }
  }

  @GET
  public void get(@Context Request r, @Context UriInfo u, @Context HttpHeaders h, @Context SecurityContext s,
                  InputStream body, @Suspended AsyncResponse async) {
    mount.handle(r, u, h, s, body, async);
  }

  @POST
  public void post(@Context Request r, @Context UriInfo u, @Context HttpHeaders h, @Context SecurityContext s,
                   InputStream body, @Suspended AsyncResponse async) {
    mount.handle(r, u, h, s, body, async);
  }

  @PUT
  public void put(@Context Request r, @Context UriInfo u, @Context HttpHeaders h, @Context SecurityContext s,
                  InputStream body, @Suspended AsyncResponse async) {
    mount.handle(r, u, h, s, body, async);
  }

  @DELETE
  public void delete(@Context Request r, @Context UriInfo u, @Context HttpHeaders h, @Context SecurityContext s,
                     InputStream body, @Suspended AsyncResponse async) {
    mount.handle(r, u, h, s, body, async);
  }

  @PATCH
  public void patch(@Context Request r, @Context UriInfo u, @Context HttpHeaders h, @Context SecurityContext s,
                    InputStream body, @Suspended AsyncResponse async) {
    mount.handle(r, u, h, s, body, async);
  }

  /** Options; {@link #build()} creates the proxy when built from a config. */
  public static final class Builder {
    private final KafkaRest rest;
    private final KafkaRestConfig config;
    private String path = "";
    private boolean trustForwarded;

    private Builder(KafkaRest rest, KafkaRestConfig config) {
      this.rest = rest;
      this.config = config;
    }

    /** A sub-path inside the application, e.g. "kafka"; default "" (the application's root). */
    public Builder path(String path) {
      this.path = path.replaceAll("^/+|/+$", "");
      return this;
    }

    /** Build {@code base_uri} from Forwarded / X-Forwarded-* headers; only behind a proxy that sets them. */
    public Builder trustForwardedHeaders(boolean trust) {
      this.trustForwarded = trust;
      return this;
    }

    public KafkaRestFeature build() {
      return new KafkaRestFeature(this);
    }
  }
}
