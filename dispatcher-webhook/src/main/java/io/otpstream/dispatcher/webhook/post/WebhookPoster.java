package io.otpstream.dispatcher.webhook.post;

import io.otpstream.common.webhook.WebhookUrls;
import io.otpstream.dispatcher.webhook.signature.WebhookSigner;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;

/**
 * Posts one signed webhook: checks the URL again (its host must still resolve to public addresses,
 * unless private targets are allowed: no DNS rebinding), then POSTs the body with {@code
 * webhook-id}, {@code webhook-timestamp} and {@code webhook-signature}; redirects are not followed.
 * A 2xx answer is a delivery.
 */
public final class WebhookPoster {
  /** What became of one post: the status (null without an answer) and why it failed. */
  public record Result(Integer status, long latencyMs, boolean refused, String detail) {
    public boolean delivered() {
      return status != null && status >= 200 && status < 300;
    }
  }

  private final HttpClient http;
  private final Duration timeout;
  private final boolean allowPrivate;
  private final Clock clock;

  public WebhookPoster(Duration timeout, boolean allowPrivate, Clock clock) {
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    this.timeout = timeout;
    this.allowPrivate = allowPrivate;
    this.clock = clock;
  }

  public Result post(String url, String webhookId, String secret, String body) {
    URI uri;
    try {
      uri = WebhookUrls.check(url, allowPrivate);
    } catch (IllegalArgumentException e) {
      return new Result(null, 0, true, e.getMessage());
    }
    long timestamp = clock.instant().getEpochSecond();
    HttpRequest request =
        HttpRequest.newBuilder(uri)
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .header("User-Agent", "otpstream-webhooks")
            .header("webhook-id", webhookId)
            .header("webhook-timestamp", Long.toString(timestamp))
            .header("webhook-signature", WebhookSigner.sign(secret, webhookId, timestamp, body))
            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
            .build();
    long start = System.nanoTime();
    try {
      HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
      long ms = (System.nanoTime() - start) / 1_000_000;
      int status = response.statusCode();
      return new Result(
          status, ms, false, status >= 200 && status < 300 ? null : "answered " + status);
    } catch (IOException e) {
      return new Result(
          null, (System.nanoTime() - start) / 1_000_000, false, e.getClass().getSimpleName());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(null, (System.nanoTime() - start) / 1_000_000, false, "interrupted");
    }
  }
}
