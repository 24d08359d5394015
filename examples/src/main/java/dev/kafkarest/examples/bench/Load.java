package dev.kafkarest.examples.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs an operation in a closed loop on N threads for a warm-up and then a measured window, and collects records,
 * per-operation latencies and the CPU time the load threads themselves used (the client's cost).
 */
final class Load {
  /** One thread's operation; returns how many records it moved. */
  interface Op<S> {
    int run(S state) throws Exception;
  }

  interface StateFactory<S> {
    S create() throws Exception;
  }

  /** Called once when the measured window starts and once when it ends (to sample the proxy). */
  interface Probe {
    void at(boolean start);
  }

  record Result(long records, double seconds, long[] latenciesNanos, double clientCpuSeconds,
                double machineCpuSeconds, long errors, String firstError) {
    double recordsPerSecond() {
      return records / seconds;
    }

    /** The whole machine's busy CPU during the measured window, in per cent of one core. */
    double machineCpuPct() {
      return machineCpuSeconds / seconds * 100;
    }

    double percentileMs(double p) {
      if (latenciesNanos.length == 0) {
        return Double.NaN;
      }
      int i = (int) Math.ceil(p / 100.0 * latenciesNanos.length) - 1;
      return latenciesNanos[Math.max(0, Math.min(latenciesNanos.length - 1, i))] / 1e6;
    }
  }

  private Load() {}

  static <S extends AutoCloseable> Result run(int threads, long warmupMs, long measureMs, StateFactory<S> states,
                                              Op<S> op, Probe probe) throws Exception {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    List<S> created = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      created.add(states.create());
    }
    long start = System.nanoTime() + 20_000_000;
    long warm = start + warmupMs * 1_000_000;
    long end = warm + measureMs * 1_000_000;
    long[] records = new long[threads];
    long[] errors = new long[threads];
    long[] lastFinish = new long[threads];
    double[] cpu = new double[threads];
    long[][] lat = new long[threads][];
    int[] latCount = new int[threads];
    AtomicReference<String> firstError = new AtomicReference<>();
    CountDownLatch done = new CountDownLatch(threads);
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int id = t;
      S state = created.get(t);
      Thread w = new Thread(() -> {
        long[] l = new long[4096];
        int n = 0;
        long cpuStart = -1;
        try {
          while (System.nanoTime() < start) {
            Thread.onSpinWait();
          }
          while (true) {
            long t0 = System.nanoTime();
            if (t0 >= end) {
              break;
            }
            if (cpuStart < 0 && t0 >= warm) {
              cpuStart = mx.getCurrentThreadCpuTime();
            }
            int moved;
            try {
              moved = op.run(state);
            } catch (Exception e) {
              errors[id]++;
              firstError.compareAndSet(null, e.toString());
              if (errors[id] > 1000) {
                break;
              }
              continue;
            }
            long t1 = System.nanoTime();
            if (t0 >= warm) {
              records[id] += moved;
              if (n == l.length) {
                l = Arrays.copyOf(l, n * 2);
              }
              l[n++] = t1 - t0;
              lastFinish[id] = t1;
            }
          }
          cpu[id] = cpuStart < 0 ? 0 : (mx.getCurrentThreadCpuTime() - cpuStart) / 1e9;
        } finally {
          lat[id] = Arrays.copyOf(l, n);
          latCount[id] = n;
          done.countDown();
        }
      }, "load-" + t);
      w.setDaemon(true);
      workers.add(w);
      w.start();
    }
    sleepUntil(warm);
    if (probe != null) {
      probe.at(true);
    }
    double busyStart = machineBusySeconds();
    sleepUntil(end);
    double busy = machineBusySeconds() - busyStart;
    if (probe != null) {
      probe.at(false);
    }
    done.await();
    for (S s : created) {
      s.close();
    }
    long total = 0;
    long errorCount = 0;
    long finish = warm;
    double cpuTotal = 0;
    int latTotal = 0;
    for (int t = 0; t < threads; t++) {
      total += records[t];
      errorCount += errors[t];
      finish = Math.max(finish, lastFinish[t]);
      cpuTotal += cpu[t];
      latTotal += latCount[t];
    }
    long[] all = new long[latTotal];
    int pos = 0;
    for (int t = 0; t < threads; t++) {
      System.arraycopy(lat[t], 0, all, pos, lat[t].length);
      pos += lat[t].length;
    }
    Arrays.sort(all);
    double seconds = Math.max(finish, end) - warm;
    return new Result(total, seconds / 1e9, all, cpuTotal, busy, errorCount, firstError.get());
  }

  /** CPU time all cores spent busy since boot (user, nice, system, irq, softirq, steal), from /proc/stat. */
  static double machineBusySeconds() {
    try {
      String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long busy = 0;
      for (int i = 1; i < f.length && i <= 8; i++) {
        if (i != 4 && i != 5) { // idle and iowait
          busy += Long.parseLong(f[i]);
        }
      }
      return busy / 100.0;
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }

  static void sleepUntil(long nanoTime) {
    long ms;
    while ((ms = (nanoTime - System.nanoTime()) / 1_000_000) > 0) {
      try {
        Thread.sleep(Math.min(ms, 100));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
