package io.otpstream.bench.dispatch;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A fast HTTP SMS provider: the JDK's HTTP server on a free local port, answering every POST at
 * once with 200 and {@code {"id":"m<n>"}}, and counting what it received.
 */
final class FastSmsServer implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService threads;
  private final AtomicLong received = new AtomicLong();

  FastSmsServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 1024);
    threads = Executors.newFixedThreadPool(4);
    server.setExecutor(threads);
    server.createContext(
        "/sms",
        exchange -> {
          try (InputStream in = exchange.getRequestBody()) {
            in.readAllBytes();
          }
          long n = received.incrementAndGet();
          byte[] body = ("{\"id\":\"m" + n + "\"}").getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().set("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/sms";
  }

  long received() {
    return received.get();
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
