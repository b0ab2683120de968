package io.otpstream.bench.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.otpstream.common.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A fast HTTP SMS API in the bench's JVM, for the SMS dispatcher's generic HTTP provider ({@code
 * OTP_SMS_PROVIDER=http}): it answers every {@code POST} to {@value #PATH} with 200 and {@code
 * {"id": <message_id>}} at once, and reports the recipient to {@link Deliveries} as soon as the
 * request is in, so the bench times a live send up to the moment the provider has it.
 */
public final class ProviderServer implements AutoCloseable {
  public static final String PATH = "/sms";

  /** The body the dispatcher should post ({@code OTP_SMS_HTTP_BODY_TEMPLATE}). */
  public static final String BODY_TEMPLATE =
      "{\"to\":\"{{to}}\",\"text\":\"{{text}}\",\"message_id\":\"{{message_id}}\"}";

  private final HttpServer server;
  private final ExecutorService threads;

  private ProviderServer(HttpServer server, ExecutorService threads) {
    this.server = server;
    this.threads = threads;
  }

  /** Listens on a free port of 127.0.0.1. */
  public static ProviderServer start(Deliveries deliveries) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 512);
    ExecutorService threads =
        Executors.newFixedThreadPool(
            4,
            r -> {
              Thread t = new Thread(r, "bench-sms-provider");
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(threads);
    server.createContext(PATH, exchange -> answer(exchange, deliveries));
    server.start();
    return new ProviderServer(server, threads);
  }

  /** The URL the dispatcher posts to ({@code OTP_SMS_HTTP_URL}). */
  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + PATH;
  }

  private static void answer(HttpExchange exchange, Deliveries deliveries) throws IOException {
    try (exchange;
        InputStream in = exchange.getRequestBody()) {
      JsonNode body = Json.MAPPER.readTree(in.readAllBytes());
      deliveries.received(body.path("to").asText());
      byte[] answer =
          Json.MAPPER
              .writeValueAsString(java.util.Map.of("id", body.path("message_id").asText()))
              .getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, answer.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(answer);
      }
    } catch (IOException | RuntimeException e) {
      exchange.sendResponseHeaders(400, -1);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
