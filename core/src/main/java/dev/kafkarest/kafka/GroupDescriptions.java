package dev.kafkarest.kafka;

import java.lang.reflect.Method;
import java.util.Locale;
import java.util.Optional;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;

/**
 * The parts of a group description whose API changed across kafka-clients versions, read by reflection so that
 * the library runs on 3.7 as well as on 4.x: {@code groupState()} and {@code type()} (4.0+; 3.x has only
 * {@code state()} and no type) and {@code MemberDescription.upgraded()} (4.0+).
 */
final class GroupDescriptions {
  static final String UNKNOWN = "UNKNOWN";

  private static final Method GROUP_STATE = method(ConsumerGroupDescription.class, "groupState");
  private static final Method LEGACY_STATE = method(ConsumerGroupDescription.class, "state");
  private static final Method TYPE = method(ConsumerGroupDescription.class, "type");
  private static final Method UPGRADED = method(MemberDescription.class, "upgraded");

  private GroupDescriptions() {}

  /** The group's state as upstream names it: the GroupState (or, on 3.x, ConsumerGroupState) name in upper case. */
  static String state(ConsumerGroupDescription d) {
    Object state = invoke(GROUP_STATE != null ? GROUP_STATE : LEGACY_STATE, d);
    return state instanceof Enum<?> e ? e.name().toUpperCase(Locale.ROOT) : UNKNOWN;
  }

  /** CLASSIC, CONSUMER, SHARE...; UNKNOWN on 3.x, whose descriptions carry no type. */
  static String type(ConsumerGroupDescription d) {
    Object type = invoke(TYPE, d);
    return type instanceof Enum<?> e ? e.name().toUpperCase(Locale.ROOT) : UNKNOWN;
  }

  /** As upstream: a CONSUMER group with a member not (or not known to be) upgraded to the new protocol. */
  static boolean mixed(ConsumerGroupDescription d) {
    if (!"CONSUMER".equals(type(d)) || UPGRADED == null) {
      return false;
    }
    for (MemberDescription member : d.members()) {
      Object upgraded = invoke(UPGRADED, member);
      if (!(upgraded instanceof Optional<?> o) || o.isEmpty() || !Boolean.TRUE.equals(o.get())) {
        return true;
      }
    }
    return false;
  }

  private static Method method(Class<?> type, String name) {
    try {
      return type.getMethod(name);
    } catch (NoSuchMethodException e) {
      return null;
    }
  }

  private static Object invoke(Method method, Object target) {
    if (method == null) {
      return null;
    }
    try {
      return method.invoke(target);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }
}
