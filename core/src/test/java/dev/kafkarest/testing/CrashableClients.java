package dev.kafkarest.testing;

import dev.kafkarest.kafka.KafkaClients;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;

/**
 * Real Kafka clients that a test can cut off at once, as if the proxy's JVM had died: after {@link #crash()}
 * every call of the proxy on any of them fails before it reaches the client, so nothing more is committed,
 * produced or sent to the group (no leave-group, no commit at close). {@link #reap()} later closes the real
 * clients so that the test leaks no threads.
 */
public final class CrashableClients implements KafkaClients {
  private final KafkaClients real = KafkaClients.standard();
  private final List<AutoCloseable> created = new CopyOnWriteArrayList<>();
  private volatile boolean crashed;
  private volatile java.util.function.Consumer<ProducerRecord<?, ?>> beforeSend = r -> {};

  @Override
  public Producer<byte[], byte[]> producer(Map<String, Object> properties) {
    return wrap(Producer.class, real.producer(properties));
  }

  @Override
  public Consumer<byte[], byte[]> consumer(Map<String, Object> properties) {
    return wrap(Consumer.class, real.consumer(properties));
  }

  @Override
  public Admin admin(Map<String, Object> properties) {
    return wrap(Admin.class, real.admin(properties));
  }

  /**
   * Runs on the sending thread before every record a producer of this proxy sends reaches the client: a test can
   * hold a chosen write there, to put another node's write before it in the log.
   */
  public void beforeSend(java.util.function.Consumer<ProducerRecord<?, ?>> hook) {
    this.beforeSend = hook;
  }

  public void crash() {
    crashed = true;
  }

  /** Closes the real clients behind a crashed proxy (a static group member does not leave its group on close). */
  public void reap() {
    for (AutoCloseable c : created) {
      try {
        if (c instanceof Consumer<?, ?> consumer) {
          consumer.close(Duration.ZERO);
        } else {
          c.close();
        }
      } catch (Exception e) {
        // in use by a thread of the dead proxy, or closed already
      }
    }
  }

  @SuppressWarnings("unchecked")
  private <T> T wrap(Class<?> type, AutoCloseable client) {
    created.add(client);
    InvocationHandler handler = (proxy, method, args) -> {
      if (crashed) {
        throw new KafkaException("the test crashed this proxy");
      }
      if (method.getName().equals("send") && args != null && args[0] instanceof ProducerRecord<?, ?> r) {
        beforeSend.accept(r);
      }
      try {
        return method.invoke(client, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    };
    return (T) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {type}, handler);
  }
}
