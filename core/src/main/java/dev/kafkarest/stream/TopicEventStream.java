package dev.kafkarest.stream;

import dev.kafkarest.format.RecordFormat;
import dev.kafkarest.http.StreamingBody;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code GET /topics/{t}/events} stream: a consumer without a group, assigned the stream's partitions and
 * seeked to its start, driven on the stream's own thread. The thread polls, writes the records as events and
 * flushes, then polls again: while the client is slow the write blocks, so nothing more is fetched (back-pressure,
 * and memory bounded by one poll). The consumer is closed as soon as a write fails (the client went away), the
 * stream reaches its maximum duration, or the proxy closes; then the slot is given back.
 */
public final class TopicEventStream implements StreamingBody {
  private static final Logger log = LoggerFactory.getLogger(TopicEventStream.class);

  private final EventStreams owner;
  private final Supplier<Consumer<byte[], byte[]>> consumers;
  private final RecordFormat format;
  private final String topic;
  private final Map<Integer, Long> startAt;
  private final StreamRun run;

  /**
   * @param startAt every partition the stream reads, with the offset it starts at: resolved before the stream's
   *     answer starts, so a record produced after the client has the answer's head is always in the stream
   */
  public TopicEventStream(EventStreams owner, EventStreams.Slot slot, Supplier<Consumer<byte[], byte[]>> consumers,
                          RecordFormat format, String topic, Map<Integer, Long> startAt) {
    this.owner = owner;
    this.run = new StreamRun(owner, slot);
    this.consumers = consumers;
    this.format = format;
    this.topic = topic;
    this.startAt = Map.copyOf(startAt);
  }

  @Override
  public void dispatch(Runnable writer) {
    run.dispatch(writer);
  }

  @Override
  public void writeTo(OutputStream out) throws IOException {
    if (!run.begin()) {
      return;
    }
    try {
      EventWriter events = new EventWriter(out, format);
      events.opening("stream of " + startAt.size() + " partition(s)");
      events.flush(); // the 200 and its headers go out now, so the client knows the stream is open
      Consumer<byte[], byte[]> consumer = consumers.get();
      owner.consumerOpened();
      try {
        run(consumer, events);
      } finally {
        boolean interrupted = Thread.interrupted(); // the proxy is closing: close the consumer all the same
        try {
          consumer.close(Duration.ZERO); // no group to leave: nothing to wait for
        } finally {
          owner.consumerClosed();
          if (interrupted) {
            Thread.currentThread().interrupt();
          }
        }
      }
    } catch (InterruptException | WakeupException e) {
      log.debug("Event stream of {} ended by the proxy closing", topic);
    } finally {
      run.end();
    }
  }

  private void run(Consumer<byte[], byte[]> consumer, EventWriter events) throws IOException {
    EventStreams.Settings settings = owner.settings();
    Map<Integer, Long> positions = new TreeMap<>(startAt);
    List<TopicPartition> assigned = new ArrayList<>();
    positions.keySet().forEach(p -> assigned.add(new TopicPartition(topic, p)));
    consumer.assign(assigned);
    positions.forEach((p, offset) -> consumer.seek(new TopicPartition(topic, p), offset));
    long keepAliveNanos = TimeUnit.MILLISECONDS.toNanos(settings.keepAliveMs());
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(settings.maxDurationMs());
    Duration pollWait = Duration.ofMillis(Math.max(1, Math.min(settings.keepAliveMs(), 1000)));
    long lastWrite = System.nanoTime();
    while (!Thread.currentThread().isInterrupted()) {
      if (System.nanoTime() - deadline >= 0) {
        events.comment("the stream reached its maximum duration; reconnect with Last-Event-ID");
        events.flush();
        return;
      }
      ConsumerRecords<byte[], byte[]> records = consumer.poll(pollWait);
      if (records.isEmpty()) {
        if (System.nanoTime() - lastWrite >= keepAliveNanos) {
          events.comment("keep-alive");
          events.flush(); // a client that left is noticed here at the latest
          lastWrite = System.nanoTime();
        }
        continue;
      }
      for (ConsumerRecord<byte[], byte[]> r : records) {
        positions.put(r.partition(), r.offset() + 1);
        events.record(r, new EventId(positions).toString());
      }
      events.flush();
      lastWrite = System.nanoTime();
    }
  }
}
