package dev.kafkarest.endpoint.v3;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kafkarest.endpoint.v3.RecordPublisher.Prepared;
import dev.kafkarest.error.Errors;
import dev.kafkarest.error.RestException;
import dev.kafkarest.http.Json;
import dev.kafkarest.http.StreamingBody;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * One streaming produce request, on two proxy threads. The reader takes one record at a time from the body,
 * encodes it and hands it to the producer; the writer writes each answer line (and flushes) as soon as that
 * record and all before it are acknowledged. Between them, at most {@code maxInFlight} records: at the bound
 * the reader stops reading the body (back-pressure). The stream ends at the body's end, at a malformed record
 * (one 400 item), at the deadline (one 408 item), or when the client goes away; then the slot is given back.
 */
final class ProduceStream implements StreamingBody {
  static final byte[] SEPARATOR = "\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final CompletableFuture<Object> END = CompletableFuture.completedFuture(new byte[0]);
  static final String EXPIRED = "Streaming connection open for longer than allowed: Connection will be closed.";

  private final ProduceStreams.Slot slot;
  private final Executor threads;
  private final RecordStream records;
  private final RecordPublisher publisher;
  private final ProduceRateLimits rateLimits;
  private final String clusterId;
  private final String topic;
  private final long deadlineNanos;
  private final int maxInFlight;
  private final Semaphore inFlight;
  /**
   * Each record's answer in order: a future of what Kafka acknowledged ({@link RecordPublisher.Produced}, turned
   * into its line by the writer, so that Kafka's I/O thread never formats JSON) or of a line made already.
   */
  private final LinkedBlockingQueue<CompletableFuture<?>> answers = new LinkedBlockingQueue<>();
  private final Object lock = new Object();
  private boolean ended; // guarded by lock: no answer is queued after it is set

  ProduceStream(ProduceStreams.Slot slot, Executor threads, RecordStream records, RecordPublisher publisher,
                ProduceRateLimits rateLimits, String clusterId, String topic, long maxDurationMs, int maxInFlight) {
    this.slot = slot;
    this.threads = threads;
    this.records = records;
    this.publisher = publisher;
    this.rateLimits = rateLimits;
    this.clusterId = clusterId;
    this.topic = topic;
    this.deadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxDurationMs);
    this.maxInFlight = maxInFlight;
    this.inFlight = new Semaphore(maxInFlight);
  }

  @Override
  public void dispatch(Runnable writer) {
    try {
      threads.execute(writer);
    } catch (RejectedExecutionException e) {
      writer.run(); // the proxy is closing: the reader cannot start either, so this ends at once
    }
  }

  /** The writer's side; starts the reader. */
  @Override
  public void writeTo(OutputStream out) throws IOException {
    try {
      threads.execute(this::readAll);
    } catch (RejectedExecutionException e) {
      offer(END);
      slot.partDone();
    }
    try {
      out.flush(); // the 200 and its headers go out now, before the first record (where the container allows)
      writeAll(out);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      end();
      answers.clear();
      inFlight.release(maxInFlight); // wakes a reader waiting at the bound
      slot.partDone();
    }
  }

  private void writeAll(OutputStream out) throws IOException, InterruptedException {
    while (true) {
      long wait = deadlineNanos - System.nanoTime();
      CompletableFuture<?> next = wait > 0 ? answers.poll(wait, TimeUnit.NANOSECONDS) : null;
      if (next == null) {
        expire(out);
        return;
      }
      if (next == END) {
        out.flush();
        return;
      }
      write(out, next);
      CompletableFuture<?> following = answers.peek();
      if (following == null || !following.isDone()) {
        out.flush();
      }
    }
  }

  /** Past the deadline: what is in flight is still answered, then one 408 item. */
  private void expire(OutputStream out) throws IOException, InterruptedException {
    end();
    for (CompletableFuture<?> next = answers.poll(); next != null && next != END; next = answers.poll()) {
      write(out, next);
    }
    out.write(line(new RestException(408, 408, EXPIRED)));
    out.write(SEPARATOR);
    out.flush();
  }

  private void write(OutputStream out, CompletableFuture<?> answer) throws IOException, InterruptedException {
    try {
      Object done = answer.get(); // completes within the producer's delivery.timeout.ms
      out.write(done instanceof RecordPublisher.Produced produced
          ? Json.bytes(ProduceAnswers.streamed(clusterId, topic, produced))
          : (byte[]) done);
    } catch (ExecutionException e) {
      out.write(line(e.getCause()));
    }
    out.write(SEPARATOR);
    inFlight.release();
  }

  /** The reader's side. */
  private void readAll() {
    try {
      while (takeInFlightPermit()) {
        JsonNode node;
        try {
          node = records.next();
        } catch (RestException malformed) {
          offer(CompletableFuture.completedFuture(line(malformed)));
          return;
        } catch (IOException | RuntimeException gone) {
          return; // the client went away, or the body cannot be read: nothing left to answer
        }
        if (node == null) {
          return;
        }
        offer(answer(node));
      }
    } finally {
      offer(END);
      slot.partDone();
    }
  }

  private boolean takeInFlightPermit() {
    try {
      while (isOpen()) {
        if (inFlight.tryAcquire(200, TimeUnit.MILLISECONDS)) {
          return isOpen();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return false;
  }

  /** Encodes on this thread (a registry look-up may wait), then sends, so Kafka keeps the stream's order. */
  private CompletableFuture<?> answer(JsonNode node) {
    try {
      ProduceRecord record = record(node);
      rateLimits.admit(clusterId, records::recordBytes);
      Prepared prepared = publisher.prepare(topic, record).get();
      return publisher.send(topic, prepared);
    } catch (ExecutionException e) {
      return CompletableFuture.completedFuture(line(e.getCause()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return CompletableFuture.completedFuture(line(Errors.unavailable("The proxy is shutting down.")));
    } catch (RuntimeException e) {
      return CompletableFuture.completedFuture(line(e));
    }
  }

  /** One record of a stream body; an unknown field is a 400 of that record alone. */
  static ProduceRecord record(JsonNode node) {
    return ProduceRecord.of(node, ProduceRecord.FIELDS,
        name -> Errors.malformedJson("Unrecognized field \"" + Errors.quote(name) + "\"."));
  }

  /** The answer line of a record that failed. */
  static byte[] line(Throwable failure) {
    return Json.bytes(ProduceAnswers.streamedError(failure));
  }

  private boolean isOpen() {
    synchronized (lock) {
      return !ended && System.nanoTime() - deadlineNanos < 0;
    }
  }

  private void offer(CompletableFuture<?> answer) {
    synchronized (lock) {
      if (!ended) {
        answers.add(answer);
      }
    }
  }

  private void end() {
    synchronized (lock) {
      ended = true;
    }
  }
}
