package dev.kafkarest.examples.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * The machine's raw TCP throughput over 127.0.0.1: one thread writes, another reads and discards. Every record
 * that goes through the proxy crosses loopback twice (broker and proxy, proxy and client), as base64 JSON on the
 * HTTP side, so this bounds what the proxy can move on the machine the benchmark runs on.
 */
final class Loopback {
  private static final int CHUNK = 256 * 1024;

  private Loopback() {}

  /** Moves {@code bytes} from one socket to the other; returns MiB/s. */
  static double mibPerSecond(long bytes) throws IOException, InterruptedException {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread writer = new Thread(() -> {
        try (Socket s = server.accept(); OutputStream out = s.getOutputStream()) {
          byte[] chunk = new byte[CHUNK];
          for (long sent = 0; sent < bytes; sent += CHUNK) {
            out.write(chunk);
          }
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      }, "loopback-writer");
      writer.start();
      try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
           InputStream in = s.getInputStream()) {
        byte[] chunk = new byte[CHUNK];
        long got = 0;
        long start = System.nanoTime();
        for (int n; (n = in.read(chunk)) > 0; ) {
          got += n;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        writer.join();
        return got / seconds / (1 << 20);
      }
    }
  }
}
