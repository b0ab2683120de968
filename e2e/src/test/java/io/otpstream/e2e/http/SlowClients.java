package io.otpstream.e2e.http;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Slow-body clients (slowloris): each opens a connection, sends a request's head announcing a body,
 * then drips the body one byte a second, as long as the server keeps the connection open.
 */
final class SlowClients implements AutoCloseable {
  private final List<Socket> sockets = new ArrayList<>();
  private final Map<Socket, String> ends = new HashMap<>();
  private final ScheduledExecutorService drip = Executors.newSingleThreadScheduledExecutor();

  /** {@code n} clients posting to {@code path} of {@code baseUrl}, with {@code headers}. */
  SlowClients(String baseUrl, String path, String headers, int n) throws IOException {
    URI uri = URI.create(baseUrl);
    String head =
        "POST "
            + path
            + " HTTP/1.1\r\nHost: "
            + uri.getHost()
            + "\r\nContent-Type: application/json\r\nContent-Length: 4000\r\n"
            + headers
            + "\r\n{";
    for (int i = 0; i < n; i++) {
      Socket s = new Socket(uri.getHost(), uri.getPort());
      s.setSoTimeout(1);
      s.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
      sockets.add(s);
    }
    drip.scheduleAtFixedRate(this::dripOne, 1, 1, TimeUnit.SECONDS);
  }

  private void dripOne() {
    for (Socket s : sockets) {
      try {
        OutputStream out = s.getOutputStream();
        out.write(' ');
        out.flush();
      } catch (IOException e) {
        // the server closed it
      }
    }
  }

  /** How many of the clients the server has answered or closed. */
  synchronized int dropped() {
    int n = 0;
    for (Socket s : sockets) {
      if (ends.containsKey(s) || answeredOrClosed(s)) {
        n++;
      }
    }
    return n;
  }

  /** The status lines the server answered the dropped clients with ("closed": no answer). */
  synchronized Set<String> answers() {
    return new TreeSet<>(ends.values());
  }

  private boolean answeredOrClosed(Socket s) {
    try {
      byte[] buf = new byte[256];
      int n = s.getInputStream().read(buf);
      String answer = n < 0 ? "closed" : new String(buf, 0, n, StandardCharsets.US_ASCII);
      ends.put(s, answer.lines().findFirst().orElse(answer));
      return true;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      ends.put(s, "reset");
      return true;
    }
  }

  @Override
  public void close() {
    drip.shutdownNow();
    for (Socket s : sockets) {
      try {
        s.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
