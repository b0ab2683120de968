package io.otpstream.dispatcher.webhook.delivery;

import io.micrometer.core.instrument.MeterRegistry;
import io.otpstream.common.kafka.KafkaSettings;
import io.otpstream.common.webhook.WebhookSecrets;
import io.otpstream.dispatcher.delivery.RetryHeaders;
import io.otpstream.dispatcher.delivery.RetryPolicy;
import io.otpstream.dispatcher.webhook.post.WebhookPoster;
import io.otpstream.dispatcher.webhook.subscription.Subscriptions;
import io.otpstream.schemas.apps.WebhookSubscription;
import io.otpstream.schemas.topics.Topics;
import io.otpstream.schemas.webhook.WebhookAttempt;
import io.otpstream.schemas.webhook.WebhookDelivery;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One attempt to post a webhook and what follows it: a line in the delivery log ({@code
 * otp.webhook.log}) either way; on a failure (no answer, or not 2xx) the post goes to the retry
 * topic with the next attempt's number and not-before (the wait doubling from the tuning's
 * backoff), or to the dead-letter topic after the last attempt. A URL refused at delivery time (it
 * now resolves to an inner address) is dead-lettered at once. A subscription deleted meanwhile
 * drops the post.
 */
final class WebhookAttempts implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WebhookAttempts.class);

  private final Topics topics;
  private final Subscriptions subscriptions;
  private final WebhookSecrets secrets;
  private final WebhookPoster poster;
  private final RetryPolicy retry;
  private final Clock clock;
  private final MeterRegistry registry;
  private final KafkaProducer<String, byte[]> producer;
  private final List<Future<RecordMetadata>> pending = new ArrayList<>();

  WebhookAttempts(
      KafkaSettings kafka,
      Subscriptions subscriptions,
      WebhookSecrets secrets,
      WebhookPoster poster,
      RetryPolicy retry,
      Clock clock,
      MeterRegistry registry) {
    this.topics = kafka.topics();
    this.subscriptions = subscriptions;
    this.secrets = secrets;
    this.poster = poster;
    this.retry = retry;
    this.clock = clock;
    this.registry = registry;
    Properties p = kafka.clientProperties("dispatcher-webhook-out");
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    this.producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
  }

  /** Attempt number {@code attempt} of {@code d}. */
  void attempt(WebhookDelivery d, int attempt) {
    Optional<WebhookSubscription> sub = subscriptions.get(d.getAppId(), d.getSubscriptionId());
    if (sub.isEmpty()) {
      record(d, attempt, null, 0, "dropped", "the subscription was deleted");
      return;
    }
    String secret;
    try {
      secret = secrets.open(d.getAppId(), d.getSubscriptionId(), sub.get().getSealedSecret());
    } catch (IllegalArgumentException e) {
      // sealed under another master secret: no attempt can sign it
      deadLetter(d);
      record(d, attempt, null, 0, "refused", "the signing secret does not open here");
      return;
    }
    WebhookPoster.Result r =
        poster.post(sub.get().getUrl(), d.getWebhookId(), secret, d.getPayload());
    if (r.delivered()) {
      record(d, attempt, r.status(), r.latencyMs(), "delivered", null);
      return;
    }
    if (r.refused()) {
      deadLetter(d);
      record(d, attempt, null, 0, "refused", r.detail());
      return;
    }
    Instant now = clock.instant();
    Optional<Instant> next = retry.nextAttempt(attempt, false, now, Instant.MAX);
    if (next.isPresent()) {
      ProducerRecord<String, byte[]> rec =
          new ProducerRecord<>(
              topics.webhookRetry.name(),
              d.getSubscriptionId(),
              topics
                  .webhookRetry
                  .valueSerde()
                  .serializer()
                  .serialize(topics.webhookRetry.name(), d));
      RetryHeaders.add(rec.headers(), attempt + 1, next.get());
      pending.add(producer.send(rec));
      record(d, attempt, r.status(), r.latencyMs(), "retrying", r.detail());
    } else {
      deadLetter(d);
      record(d, attempt, r.status(), r.latencyMs(), "dead_lettered", r.detail());
    }
  }

  private void deadLetter(WebhookDelivery d) {
    String topic = topics.webhookDeadLetter.name();
    pending.add(
        producer.send(
            new ProducerRecord<>(
                topic,
                d.getSubscriptionId(),
                topics.webhookDeadLetter.valueSerde().serializer().serialize(topic, d))));
  }

  private void record(
      WebhookDelivery d,
      int attempt,
      Integer status,
      long latencyMs,
      String outcome,
      String detail) {
    registry.counter("otp.webhooks", "outcome", outcome).increment();
    WebhookAttempt a =
        new WebhookAttempt(
            d.getWebhookId(),
            d.getAppId(),
            d.getSubscriptionId(),
            d.getEventType(),
            attempt,
            status,
            latencyMs,
            outcome,
            detail,
            clock.instant());
    String topic = topics.webhookLog.name();
    pending.add(
        producer.send(
            new ProducerRecord<>(
                topic,
                d.getSubscriptionId(),
                topics.webhookLog.valueSerde().serializer().serialize(topic, a))));
  }

  /** Waits for every write since the last flush; false when one failed. */
  boolean flush() {
    producer.flush();
    boolean ok = true;
    for (Future<RecordMetadata> f : pending) {
      try {
        f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        ok = false;
      } catch (ExecutionException e) {
        log.error("a webhook outcome could not be written", e.getCause());
        ok = false;
      }
    }
    pending.clear();
    return ok;
  }

  @Override
  public void close() {
    producer.close();
  }
}
