package dev.kafkarest.examples.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * v3 streaming produce against the native producer: each connection is one long-lived chunked
 * {@code POST .../records} carrying binary records, its answer lines read as they come; the native side keeps the
 * same number of records in flight per thread ({@code v3.produce.stream.max.in.flight}), sending asynchronously.
 */
final class StreamingProduce {
  /** Records per chunk the client writes: large enough that chunk framing costs nothing. */
  private static final int RECORDS_PER_CHUNK = 32;
  private static final byte[] CODE = "\"error_code\":".getBytes(StandardCharsets.US_ASCII);

  /** One measured window: acknowledged records, seconds, and the machine's busy CPU seconds in it. */
  record Window(long records, double seconds, double machineCpuSeconds, long errors) {
    double recordsPerSecond() {
      return records / seconds;
    }

    Window withErrors(long count) {
      return new Window(records, seconds, machineCpuSeconds, count);
    }
  }

  private StreamingProduce() {}

  /** Streams over {@code conns} requests; counts acknowledgements between warm-up end and window end. */
  static Window proxy(int port, String clusterId, String topic, byte[] value, int conns, long warmupMs,
                      long measureMs, Benchmark.Sampler sampler) throws Exception {
    byte[] chunk = chunk(value);
    String head = "POST /kafka/v3/clusters/" + clusterId + "/topics/" + topic + "/records HTTP/1.1\r\n"
        + "Host: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
        + "Connection: close\r\n\r\n"; // the answer then ends with the connection, which ends the reader
    AtomicLong acked = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    List<Socket> sockets = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    long stopAt = System.nanoTime() + (warmupMs + measureMs + 200) * 1_000_000;
    for (int i = 0; i < conns; i++) {
      Socket socket = new Socket();
      socket.setTcpNoDelay(true);
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
      sockets.add(socket);
      OutputStream out = socket.getOutputStream();
      out.write(head.getBytes(StandardCharsets.US_ASCII));
      threads.add(start("stream-writer-" + i, () -> {
        while (System.nanoTime() < stopAt) {
          out.write(chunk); // blocks when the proxy stops reading: its in-flight bound is the back-pressure
        }
        out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
      }, failure));
      InputStream in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
      threads.add(start("stream-reader-" + i, () -> countAcks(in, acked, errors), failure));
    }
    Window window = measure(acked, warmupMs, measureMs, sampler);
    for (Thread t : threads) {
      t.join(30_000);
    }
    for (Socket s : sockets) {
      s.close();
    }
    if (failure.get() != null) {
      throw new IOException("a stream failed", failure.get());
    }
    return window.withErrors(errors.get()); // counted after the drain, not only in the window
  }

  /** The native producer, {@code threads} senders each keeping up to {@code inFlight} records unacknowledged. */
  static Window nativeProducer(KafkaProducer<byte[], byte[]> producer, String topic, byte[] value, int threads,
                               int inFlight, long warmupMs, long measureMs) throws Exception {
    AtomicLong acked = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    long stopAt = System.nanoTime() + (warmupMs + measureMs + 200) * 1_000_000;
    List<Thread> senders = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      Semaphore window = new Semaphore(inFlight);
      senders.add(start("native-sender-" + i, () -> {
        while (System.nanoTime() < stopAt) {
          window.acquire();
          producer.send(new ProducerRecord<>(topic, null, value), (m, e) -> {
            (e == null ? acked : errors).incrementAndGet();
            window.release();
          });
        }
        window.acquire(inFlight); // every record of this sender answered
      }, failure));
    }
    Window window = measure(acked, warmupMs, measureMs, null);
    for (Thread t : senders) {
      t.join(30_000);
    }
    if (failure.get() != null) {
      throw new IOException("a sender failed", failure.get());
    }
    return window.withErrors(errors.get()); // counted after the drain, not only in the window
  }

  /** Waits out the warm-up, then counts what is acknowledged in the window and the machine's busy CPU in it. */
  private static Window measure(AtomicLong acked, long warmupMs, long measureMs,
                                Benchmark.Sampler sampler) {
    Load.sleepUntil(System.nanoTime() + warmupMs * 1_000_000);
    long atWarm = acked.get();
    double busy0 = Load.machineBusySeconds();
    if (sampler != null) {
      sampler.at(true);
    }
    long t0 = System.nanoTime();
    Load.sleepUntil(t0 + measureMs * 1_000_000);
    long atEnd = acked.get();
    double seconds = (System.nanoTime() - t0) / 1e9;
    double busy = Load.machineBusySeconds() - busy0;
    if (sampler != null) {
      sampler.at(false);
    }
    return new Window(atEnd - atWarm, seconds, busy, 0);
  }

  /** One HTTP chunk of {@code RECORDS_PER_CHUNK} binary records, each on its own line. */
  private static byte[] chunk(byte[] value) {
    String record = "{\"value\":{\"type\":\"BINARY\",\"data\":\"" + Base64.getEncoder().encodeToString(value)
        + "\"}}\n";
    String records = record.repeat(RECORDS_PER_CHUNK);
    byte[] data = records.getBytes(StandardCharsets.US_ASCII);
    String size = Integer.toHexString(data.length) + "\r\n";
    byte[] out = new byte[size.length() + data.length + 2];
    System.arraycopy(size.getBytes(StandardCharsets.US_ASCII), 0, out, 0, size.length());
    System.arraycopy(data, 0, out, size.length(), data.length);
    out[out.length - 2] = '\r';
    out[out.length - 1] = '\n';
    return out;
  }

  /**
   * Counts answer lines by their {@code "error_code":} in the raw bytes: 200 is an acknowledgement, anything else
   * an error. (A mark split by chunk framing is missed, which can only undercount the proxy.)
   */
  private static void countAcks(InputStream in, AtomicLong acked, AtomicLong errors) throws IOException {
    byte[] buffer = new byte[64 * 1024];
    int matched = 0;
    int codeDigits = -1; // after a mark: how many digits of the code were read
    int code = 0;
    int n;
    while ((n = in.read(buffer)) > 0) {
      for (int i = 0; i < n; i++) {
        byte b = buffer[i];
        if (codeDigits >= 0) {
          code = code * 10 + (b - '0');
          if (++codeDigits == 3) {
            (code == 200 ? acked : errors).incrementAndGet();
            codeDigits = -1;
          }
        } else if (b == CODE[matched]) {
          if (++matched == CODE.length) {
            matched = 0;
            codeDigits = 0;
            code = 0;
          }
        } else {
          matched = b == CODE[0] ? 1 : 0;
        }
      }
    }
  }

  private interface Body {
    void run() throws Exception;
  }

  private static Thread start(String name, Body body, AtomicReference<Throwable> failure) {
    Thread t = new Thread(() -> {
      try {
        body.run();
      } catch (Throwable e) {
        failure.compareAndSet(null, e);
      }
    }, name);
    t.setDaemon(true);
    t.start();
    return t;
  }
}
