package io.otpstream.api.webhook;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.otpstream.common.kafka.KafkaSettings;
import io.otpstream.common.kafka.TopicFollower;
import io.otpstream.schemas.topics.TopicSpec;
import io.otpstream.schemas.webhook.WebhookAttempt;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The api's view of the webhook delivery log ({@code otp.webhook.log}): the latest {@value #KEPT}
 * attempts of each subscription, read from the beginning of the topic and then followed.
 */
public final class WebhookLog implements AutoCloseable {
  static final int KEPT = 100;

  /** One attempt as the management API shows it. */
  record Entry(
      @JsonProperty("webhook_id") String webhookId,
      @JsonProperty("event_type") String eventType,
      int attempt,
      @JsonProperty("status_code") Integer statusCode,
      @JsonProperty("latency_ms") long latencyMs,
      String outcome,
      String detail,
      @JsonProperty("attempted_at") Instant attemptedAt) {
    static Entry of(WebhookAttempt a) {
      return new Entry(
          a.getWebhookId(),
          a.getEventType(),
          a.getAttempt(),
          a.getStatusCode(),
          a.getLatencyMs(),
          a.getOutcome(),
          a.getDetail(),
          a.getAttemptedAt());
    }
  }

  private final TopicFollower<WebhookAttempt> follower;
  private final Map<String, Deque<WebhookAttempt>> bySubscription = new ConcurrentHashMap<>();

  public WebhookLog(KafkaSettings kafka) {
    TopicSpec<String, WebhookAttempt> topic = kafka.topics().webhookLog;
    this.follower =
        new TopicFollower<>(
            kafka, topic.name(), topic.valueSerde().deserializer(), this::apply, "otp-webhook-log");
  }

  public WebhookLog start() {
    follower.start();
    return this;
  }

  /** The subscription's latest attempts, newest first. */
  List<Entry> attempts(String appId, String subscriptionId) {
    Deque<WebhookAttempt> d = bySubscription.get(subscriptionId);
    if (d == null) {
      return List.of();
    }
    synchronized (d) {
      return d.stream().filter(a -> a.getAppId().equals(appId)).map(Entry::of).toList();
    }
  }

  private void apply(String key, WebhookAttempt attempt) {
    if (attempt == null) {
      return;
    }
    Deque<WebhookAttempt> d =
        bySubscription.computeIfAbsent(attempt.getSubscriptionId(), k -> new ArrayDeque<>());
    synchronized (d) {
      d.addFirst(attempt);
      while (d.size() > KEPT) {
        d.removeLast();
      }
    }
  }

  @Override
  public void close() {
    follower.close();
  }
}
