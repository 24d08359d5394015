package dev.kafkarest.metrics;

import java.util.Collection;
import java.util.concurrent.CompletionStage;
import java.util.function.IntSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * What the proxy tells about its work, for a host's metrics. The proxy calls these hooks and knows nothing of a
 * metrics library: {@link #NONE} (the default) does nothing, and {@link MicrometerMetrics} is the one that needs
 * Micrometer, loaded only when the host creates it. One instance serves one proxy, which closes it. Every hook is
 * cheap and never throws.
 */
public interface ProxyMetrics extends AutoCloseable {
  /** Reports nothing and costs nothing. */
  ProxyMetrics NONE = new ProxyMetrics() {};

  /** What a proxy has to observe once it is built: its shared clients and its live counts. */
  record Sources(Producer<?, ?> producer, Admin admin, IntSupplier consumerInstances, IntSupplier produceStreams) {}

  /** Called once, when the proxy is built. */
  default void bind(Sources sources) {}

  /** One HTTP request that the proxy started to handle. */
  default RequestMeter request(String method) {
    return RequestMeter.NONE;
  }

  /**
   * A record about to be handed to the producer; returns the callback to give the producer: {@code acknowledged}
   * itself, or one that measures first (so the meters are up to date before anyone sees the answer).
   */
  default Callback produced(ProducerRecord<byte[], byte[]> record, Callback acknowledged) {
    return acknowledged;
  }

  /** The meters of one new consumer instance. */
  default ConsumerMeter consumerInstance() {
    return ConsumerMeter.NONE;
  }

  /** A records read that has started; returns the stage to hand on (the same one, or one completing with it). */
  default <T extends Collection<?>> CompletionStage<T> read(CompletionStage<T> read) {
    return read;
  }

  /** A consumer instance was closed because it was idle past {@code consumer.instance.timeout.ms}. */
  default void consumerExpired() {}

  /**
   * A request for a durable consumer instance that another node holds: {@code forwarded} (the owner answered) or
   * {@code takeover} (the owner could not be reached, did not answer in time, or answered 503 while still named
   * its owner, so this node served it, taking the instance over).
   */
  default void consumerForward(String outcome) {}

  /** Removes every meter this registered; called by the proxy's close. */
  @Override
  default void close() {}
}
