package io.otpstream.bench.growth;

import com.fasterxml.jackson.databind.JsonNode;
import io.otpstream.bench.load.Http;
import io.otpstream.bench.load.LoadGenerator;
import io.otpstream.bench.load.LoadResult;
import io.otpstream.bench.load.Operation;
import io.otpstream.common.json.Json;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sandbox sends and verifies through the api (Sendmator API, the bench app's test key), open loop:
 * sends to fresh mailboxes, verifies of sessions sent just before (not timed), with their right
 * code.
 */
final class SendVerify {
  private static final AtomicLong SUBJECTS = new AtomicLong();
  private final Http http = new Http();
  private final String base;
  private final String key;

  SendVerify(String base, String key) {
    this.base = base;
    this.key = key;
  }

  CompletableFuture<HttpResponse<String>> send() {
    long s = SUBJECTS.incrementAndGet();
    return http.post(
        base + "/api/v1/otp/send",
        Map.of("X-API-Key", key, "X-Forwarded-For", FillAddresses.of(5_000_000 + s % 100_000)),
        "{\"channels\":[\"email\"],\"recipients\":{\"email\":\"h" + s + "@load.example\"}}");
  }

  LoadResult sends(String label, int rate, Duration d) throws InterruptedException {
    Operation op = seq -> send().thenApply(HttpResponse::statusCode);
    return LoadGenerator.open(label, op, rate, d);
  }

  /** Null when none of the sessions made to be verified could be made. */
  LoadResult verifies(String label, int rate, Duration d) throws Exception {
    int n = (int) Math.max(1, rate * d.toMillis() / 1000);
    List<String> bodies = new ArrayList<>(n);
    List<CompletableFuture<HttpResponse<String>>> made = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      made.add(send());
      if (made.size() == 100 || i == n - 1) {
        for (CompletableFuture<HttpResponse<String>> f : made) {
          HttpResponse<String> r = f.exceptionally(e -> null).join();
          if (r != null && r.statusCode() == 200) {
            JsonNode data = Json.MAPPER.readTree(r.body()).get("data");
            bodies.add(
                Json.MAPPER.writeValueAsString(
                    Map.of(
                        "session_token",
                        data.get("session_token").asText(),
                        "otps",
                        Map.of("email", data.get("otps").get("email").asText()))));
          }
        }
        made.clear();
      }
    }
    if (bodies.isEmpty()) {
      return null; // none of the sends made to be verified answered 200
    }
    Operation op =
        seq ->
            http.post(
                    base + "/api/v1/otp/verify",
                    Map.of("X-API-Key", key, "X-Forwarded-For", "10.250.0.1"),
                    bodies.get((int) (seq % bodies.size())))
                .thenApply(HttpResponse::statusCode);
    return LoadGenerator.open(label, op, rate, d);
  }
}
