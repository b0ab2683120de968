package io.otpstream.e2e.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.otpstream.common.json.Json;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The HTTP SMS provider the dispatchers deliver to: a real local HTTP server that counts every
 * message it receives by its delivery id ({@code session:generation:sms}) and keeps its code, which
 * is what the user would read on the phone.
 */
final class SmsReceiver implements AutoCloseable {
  /** The dispatcher's request body: the template the dispatchers are started with fills it. */
  static final String BODY_TEMPLATE =
      "{\"to\":\"{{to}}\",\"text\":\"{{text}}\",\"message_id\":\"{{message_id}}\"}";

  private static final Pattern CODE = Pattern.compile("code is (\\d+)");
  private final HttpServer server;
  private final ExecutorService threads = Executors.newFixedThreadPool(8);
  private final Map<String, Integer> received = new HashMap<>();
  private final Map<String, String> codes = new HashMap<>();

  SmsReceiver() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/sms",
        exchange -> {
          JsonNode body = Json.MAPPER.readTree(exchange.getRequestBody());
          record(body.get("message_id").asText(), body.get("text").asText());
          byte[] answer = "{\"id\":\"ok\"}".getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, answer.length);
          exchange.getResponseBody().write(answer);
          exchange.close();
        });
    server.setExecutor(threads);
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/sms";
  }

  private synchronized void record(String messageId, String text) {
    received.merge(messageId, 1, Integer::sum);
    Matcher m = CODE.matcher(text);
    if (m.find()) {
      codes.put(messageId, m.group(1));
    }
    notifyAll();
  }

  /** How many times each delivery id arrived, now. */
  synchronized Map<String, Integer> received() {
    return Map.copyOf(received);
  }

  /** The code delivered as {@code messageId}, waiting up to {@code millis}; null if none came. */
  synchronized String awaitCode(String messageId, long millis) throws InterruptedException {
    long deadline = System.currentTimeMillis() + millis;
    while (!codes.containsKey(messageId)) {
      long left = deadline - System.currentTimeMillis();
      if (left <= 0) {
        return null;
      }
      wait(left);
    }
    return codes.get(messageId);
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
