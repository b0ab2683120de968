package io.otpstream.e2e.secrecy;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.otpstream.common.json.Json;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A local HTTP SMS API for the dispatcher's {@code HttpSmsProvider}: it records every message it is
 * sent (so the test knows each code, also of a message it refuses) and answers 200 with a message
 * id, 503 (down: the dispatcher retries) for the numbers in {@link #down}, 400 (refused:
 * dead-lettered at once) for those in {@link #refused}, and 401 without its bearer key.
 */
final class SmsApi implements AutoCloseable {
  /** One message as the API received it. */
  record Received(String to, String text) {}

  final Set<String> down = ConcurrentHashMap.newKeySet();
  final Set<String> refused = ConcurrentHashMap.newKeySet();
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final HttpServer server;

  SmsApi(String bearerKey) throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/sms",
        exchange -> {
          int status;
          String answer = "{}";
          if (!("Bearer " + bearerKey)
              .equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
            status = 401;
          } else {
            JsonNode body = Json.MAPPER.readTree(exchange.getRequestBody());
            String to = body.get("to").asText();
            received.add(new Received(to, body.get("text").asText()));
            status = refused.contains(to) ? 400 : down.contains(to) ? 503 : 200;
            answer = "{\"id\":\"m-" + UUID.randomUUID() + "\"}";
          }
          byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(status, bytes.length);
          exchange.getResponseBody().write(bytes);
          exchange.close();
        });
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/sms";
  }

  /** The texts sent to {@code phone}, oldest first, every attempt included. */
  List<String> textsTo(String phone) {
    return received.stream().filter(r -> r.to().equals(phone)).map(Received::text).toList();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
