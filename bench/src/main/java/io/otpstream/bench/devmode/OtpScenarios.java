package io.otpstream.bench.devmode;

import com.fasterxml.jackson.databind.JsonNode;
import io.otpstream.bench.load.Http;
import io.otpstream.bench.load.Operation;
import io.otpstream.common.json.Json;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The load scenarios against a running otpstream (Sendmator API, sandbox key, the demo app's
 * default settings): each is an {@link Operation} for the load generator. Every send goes to a
 * number not used before in this run and names a fresh end-user address ({@code X-End-User-IP}), so
 * no limit refuses it unless the scenario hammers one number or one address on purpose.
 */
public final class OtpScenarios {
  /** The end-user address of the one-IP flood (TEST-NET-1). */
  static final String FLOOD_IP = "192.0.2.1";

  /** The number of the one-number flood. */
  static final String FLOOD_NUMBER = "+14155550199";

  private final Http http;
  private final String base;
  private final String sandboxKey;
  private final AtomicLong fresh = new AtomicLong();
  private final ConcurrentLinkedQueue<Session> sessions = new ConcurrentLinkedQueue<>();

  /** A sandbox session: its token and the code the sandbox answered with. */
  private record Session(String token, String code) {}

  public OtpScenarios(Http http, String base, String sandboxKey) {
    this.http = http;
    this.base = base;
    this.sandboxKey = sandboxKey;
  }

  /** A sandbox SMS send to a fresh number from a fresh address. */
  public Operation sandboxSend() {
    return seq -> send(freshNumber(), freshIp()).thenApply(HttpResponse::statusCode);
  }

  /** A sandbox send, then the verify of its code: the pair timed as one operation. */
  public Operation sendAndVerify() {
    return seq ->
        send(freshNumber(), freshIp())
            .thenCompose(
                r ->
                    r.statusCode() != 200
                        ? CompletableFuture.completedFuture(r.statusCode())
                        : verify(session(r.body())));
  }

  /** Sends from one address to fresh numbers: past 100 an hour, {@code sends_per_ip} refuses. */
  public Operation floodOneIp() {
    return seq -> send(freshNumber(), FLOOD_IP).thenApply(HttpResponse::statusCode);
  }

  /**
   * Sends to one number from fresh addresses: past 10 an hour, {@code sends_per_subject} refuses.
   */
  public Operation floodOneNumber() {
    return seq -> send(FLOOD_NUMBER, freshIp()).thenApply(HttpResponse::statusCode);
  }

  /**
   * 70 % sends, 25 % verifies (of sessions this scenario sent before), 5 % resends (of those too;
   * most come within the default 30 s cooldown and are refused, as a user's impatient tap is).
   */
  public Operation mixed() {
    return seq -> {
      long slot = seq % 20;
      Session s = slot < 14 ? null : sessions.poll();
      if (s == null) {
        return send(freshNumber(), freshIp())
            .thenApply(
                r -> {
                  if (r.statusCode() == 200) {
                    sessions.add(session(r.body()));
                  }
                  return r.statusCode();
                });
      }
      if (slot < 19) {
        return verify(s);
      }
      sessions.add(s);
      return http.post(
              base + "/api/v1/otp/resend",
              headers(freshIp()),
              "{\"session_token\":\"" + s.token() + "\"}")
          .thenApply(HttpResponse::statusCode);
    };
  }

  private CompletableFuture<HttpResponse<String>> send(String number, String ip) {
    return http.post(
        base + "/api/v1/otp/send",
        headers(ip),
        "{\"channels\":[\"sms\"],\"recipients\":{\"sms\":\"" + number + "\"}}");
  }

  private CompletableFuture<Integer> verify(Session s) {
    return http.post(
            base + "/api/v1/otp/verify",
            headers(freshIp()),
            "{\"session_token\":\"" + s.token() + "\",\"otps\":{\"sms\":\"" + s.code() + "\"}}")
        .thenApply(HttpResponse::statusCode);
  }

  private Map<String, String> headers(String ip) {
    return Map.of("X-API-Key", sandboxKey, "X-End-User-IP", ip);
  }

  private static Session session(String body) {
    try {
      JsonNode data = Json.MAPPER.readTree(body).get("data");
      return new Session(data.get("session_token").asText(), data.get("otps").get("sms").asText());
    } catch (java.io.IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A number not used lately, each in another block of 100 (consecutive numbers would meet the
   * sends_per_number_block rule after 10 sends per block): 70,000 blocks in turn.
   */
  private String freshNumber() {
    long n = fresh.incrementAndGet();
    return "+1415" + (2_000_000 + (n % 70_000) * 100 + (n / 70_000) % 100);
  }

  private String freshIp() {
    long n = fresh.incrementAndGet();
    return "10." + ((n >> 16) & 255) + "." + ((n >> 8) & 255) + "." + (n & 255);
  }
}
