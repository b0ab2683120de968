package io.otpstream.bench.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import io.otpstream.bench.load.Http;
import io.otpstream.bench.load.Operation;
import io.otpstream.common.json.Json;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Many sessions resending: a pool of sandbox sessions opened beforehand, then each operation is a
 * resend of the next session of the pool in turn (from a fresh end-user address, so the per-IP
 * resend window never refuses). Whether the storm is refused or accepted is the app's settings:
 * with the defaults nearly every resend comes within the 30 s cooldown of its session's last send
 * and gets 429; with {@code resend_cooldown_seconds} 0 each is a new code.
 */
public final class ResendStorm {
  private final Http http;
  private final LiveSends sends;
  private final String testKey;
  private final List<String> tokens;
  private final AtomicLong next = new AtomicLong();

  private ResendStorm(Http http, LiveSends sends, String testKey, List<String> tokens) {
    this.http = http;
    this.sends = sends;
    this.testKey = testKey;
    this.tokens = tokens;
  }

  /**
   * Opens {@code sessions} sandbox sessions with {@code testKey} through {@code sends}' api
   * instances, 16 at a time.
   */
  public static ResendStorm open(
      Http http, LiveSends sends, String testKey, int sessions, Fresh fresh)
      throws IOException, InterruptedException {
    List<String> tokens = java.util.Collections.synchronizedList(new ArrayList<>());
    Semaphore inFlight = new Semaphore(16);
    List<CompletableFuture<?>> all = new ArrayList<>();
    for (int i = 0; i < sessions; i++) {
      inFlight.acquire();
      all.add(
          http.post(
                  sends.base() + "/api/v1/otp/send",
                  Map.of("X-API-Key", testKey, "X-End-User-IP", fresh.ip()),
                  "{\"channels\":[\"sms\"],\"recipients\":{\"sms\":\"" + fresh.number() + "\"}}")
              .whenComplete(
                  (r, e) -> {
                    inFlight.release();
                    if (e == null && r.statusCode() == 200) {
                      tokens.add(token(r.body()));
                    }
                  }));
    }
    try {
      CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IOException("opening the resend storm's sessions failed", e);
    }
    if (tokens.isEmpty()) {
      throw new IOException("no session of the resend storm could be opened");
    }
    return new ResendStorm(http, sends, testKey, List.copyOf(tokens));
  }

  public int sessions() {
    return tokens.size();
  }

  /** A resend of the next session of the pool. */
  public Operation resend() {
    return seq -> {
      String token = tokens.get((int) (next.getAndIncrement() % tokens.size()));
      return http.post(
              sends.base() + "/api/v1/otp/resend",
              sends.headers(testKey),
              "{\"session_token\":\"" + token + "\"}")
          .thenApply(HttpResponse::statusCode);
    };
  }

  private static String token(String body) {
    try {
      JsonNode data = Json.MAPPER.readTree(body).get("data");
      return data.get("session_token").asText();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
