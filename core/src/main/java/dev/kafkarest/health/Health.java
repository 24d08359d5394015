package dev.kafkarest.health;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The proxy's health at one moment: {@link Status#UP} when every component is up. Components: {@code kafka}
 * (the cluster answered within the bound), {@code schemaRegistry} (only when {@code schema.registry.url} is set)
 * and {@code proxy} (down once it is closing). Immutable; Jackson writes it as
 * {@code {"status":"UP","components":{"kafka":{"status":"UP","details":{...}}}}}, the shape Spring Boot uses.
 */
public record Health(Status status, Map<String, Component> components) {
  public enum Status { UP, DOWN }

  /** One part of the health, with details for a person: cluster id and broker count, or what went wrong. */
  public record Component(Status status, Map<String, Object> details) {
    public Component {
      details = Collections.unmodifiableMap(new LinkedHashMap<>(details));
    }

    public static Component up(Map<String, Object> details) {
      return new Component(Status.UP, details);
    }

    public static Component down(String error) {
      return new Component(Status.DOWN, Map.of("error", error));
    }

    @JsonIgnore // status says it: Jackson would write it twice
    public boolean isUp() {
      return status == Status.UP;
    }
  }

  public Health {
    components = Collections.unmodifiableMap(new LinkedHashMap<>(components));
  }

  /** UP when every component is. */
  public static Health of(Map<String, Component> components) {
    boolean up = components.values().stream().allMatch(Component::isUp);
    return new Health(up ? Status.UP : Status.DOWN, components);
  }

  @JsonIgnore
  public boolean isUp() {
    return status == Status.UP;
  }
}
