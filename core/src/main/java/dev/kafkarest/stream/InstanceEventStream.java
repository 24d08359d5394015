package dev.kafkarest.stream;

import dev.kafkarest.consumer.ConsumedRecord;
import dev.kafkarest.consumer.ConsumerInstance;
import dev.kafkarest.consumer.ConsumerRegistry;
import dev.kafkarest.error.ExceptionMapper;
import dev.kafkarest.error.RestException;
import dev.kafkarest.http.StreamingBody;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code GET /consumers/{g}/instances/{i}/records} as Server-Sent Events: the instance's own reads, one after the
 * other, each answer's records written as events (in the instance's format, committed as the instance's settings
 * say, exactly as if the client polled). The next read starts only after the last answer is written, so a slow
 * client holds nothing but the instance's own bounded buffer. Ids are {@code topic:partition:offset} pairs: the
 * position after the event for every partition the stream has delivered from. A read that fails (the instance is
 * deleted, a record does not decode) ends the stream with one {@code stream-error} event.
 */
public final class InstanceEventStream implements StreamingBody {
  private final EventStreams owner;
  private final ConsumerRegistry registry;
  private final ConsumerInstance instance;
  private final long readTimeoutMs;
  private final long maxBytes;
  private final StreamRun run;

  public InstanceEventStream(EventStreams owner, EventStreams.Slot slot, ConsumerRegistry registry,
                             ConsumerInstance instance, long readTimeoutMs, long maxBytes) {
    this.owner = owner;
    this.run = new StreamRun(owner, slot);
    this.registry = registry;
    this.instance = instance;
    this.readTimeoutMs = readTimeoutMs;
    this.maxBytes = maxBytes;
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
      EventWriter events = new EventWriter(out, null);
      events.opening("stream of consumer instance " + instance.id().name());
      events.flush();
      run(events);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      run.end();
    }
  }

  private void run(EventWriter events) throws IOException, InterruptedException {
    EventStreams.Settings settings = owner.settings();
    Map<String, Long> positions = new TreeMap<>();
    long keepAliveNanos = TimeUnit.MILLISECONDS.toNanos(settings.keepAliveMs());
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(settings.maxDurationMs());
    long wait = Math.max(1, Math.min(readTimeoutMs, settings.keepAliveMs()));
    long lastWrite = System.nanoTime();
    while (!Thread.currentThread().isInterrupted()) {
      if (System.nanoTime() - deadline >= 0) {
        events.comment("the stream reached its maximum duration; reconnect");
        events.flush();
        return;
      }
      List<ConsumedRecord> records;
      try {
        // The read answers within its own timeout; the extra bound only guards against a read that never ends.
        records = registry.read(instance, wait, maxBytes).toCompletableFuture()
            .get(wait + 30_000, TimeUnit.MILLISECONDS);
      } catch (ExecutionException | TimeoutException e) {
        RestException error = ExceptionMapper.toRestException(e instanceof ExecutionException ? e.getCause() : e);
        events.streamError(error);
        events.flush();
        return;
      }
      if (records.isEmpty()) {
        if (System.nanoTime() - lastWrite >= keepAliveNanos) {
          events.comment("keep-alive");
          events.flush();
          lastWrite = System.nanoTime();
        }
        continue;
      }
      for (ConsumedRecord r : records) {
        positions.put(r.topic() + ":" + r.partition(), r.offset() + 1);
        events.consumed(r, id(positions));
      }
      events.flush();
      lastWrite = System.nanoTime();
    }
  }

  private static String id(Map<String, Long> positions) {
    StringBuilder text = new StringBuilder();
    positions.forEach((partition, offset) -> {
      if (text.length() > 0) {
        text.append(',');
      }
      text.append(partition).append(':').append(offset);
    });
    return text.toString();
  }
}
