package io.otpstream.bench.scenario;

import io.otpstream.bench.delivery.Deliveries;
import io.otpstream.bench.load.Http;
import io.otpstream.bench.load.Operation;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends to one or more api instances, taken in turn (the load generator as the load balancer):
 * sandbox sends, and live sends timed until the SMS provider has the message. Every send is an SMS
 * to a fresh number from a fresh end-user address.
 *
 * <p>A live send's operation completes when {@link Deliveries} saw its message at the provider
 * (outcome {@code 200}), so the load generator's latency is request → provider, from when the
 * request was due. A send answered otherwise completes with that status; one whose message is not
 * at the provider within {@link Http#TIMEOUT} counts as {@code timeout}.
 */
public final class LiveSends {
  private final Http http;
  private final List<String> bases;
  private final String liveKey;
  private final String testKey;
  private final Deliveries deliveries;
  private final Fresh fresh;
  private final AtomicLong turn = new AtomicLong();

  public LiveSends(
      Http http,
      List<String> bases,
      String liveKey,
      String testKey,
      Deliveries deliveries,
      Fresh fresh) {
    this.http = http;
    this.bases = List.copyOf(bases);
    this.liveKey = liveKey;
    this.testKey = testKey;
    this.deliveries = deliveries;
    this.fresh = fresh;
  }

  /** A sandbox SMS send: nothing is delivered; the decision only. */
  public Operation sandboxSend() {
    return seq -> send(testKey, fresh.number()).thenApply(HttpResponse::statusCode);
  }

  /** A live SMS send, timed until the provider received the message. */
  public Operation liveSend() {
    return seq -> {
      String to = fresh.number();
      CompletableFuture<Void> delivered = deliveries.expect(to);
      return send(liveKey, to)
          .whenComplete(
              (r, e) -> {
                if (e != null || r.statusCode() != 200) {
                  deliveries.forget(to);
                } else {
                  deliveries.accepted();
                }
              })
          .thenCompose(
              r ->
                  r.statusCode() != 200
                      ? CompletableFuture.completedFuture(r.statusCode())
                      : delivered
                          .orTimeout(Http.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                          .handle(
                              (ok, late) -> {
                                if (late != null) {
                                  deliveries.forget(to);
                                  throw new CompletionException(
                                      new HttpTimeoutException("not at the provider in time"));
                                }
                                return 200;
                              }));
    };
  }

  /** The next api instance's base URL, in turn. */
  String base() {
    return bases.get((int) (turn.getAndIncrement() % bases.size()));
  }

  Map<String, String> headers(String key) {
    return Map.of("X-API-Key", key, "X-End-User-IP", fresh.ip());
  }

  private CompletableFuture<HttpResponse<String>> send(String key, String to) {
    return http.post(
        base() + "/api/v1/otp/send",
        headers(key),
        "{\"channels\":[\"sms\"],\"recipients\":{\"sms\":\"" + to + "\"}}");
  }
}
