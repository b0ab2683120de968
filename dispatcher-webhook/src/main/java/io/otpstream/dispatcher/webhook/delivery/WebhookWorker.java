package io.otpstream.dispatcher.webhook.delivery;

import io.micrometer.core.instrument.MeterRegistry;
import io.otpstream.common.kafka.KafkaSettings;
import io.otpstream.common.secret.Secrets;
import io.otpstream.common.webhook.WebhookSecrets;
import io.otpstream.dispatcher.delivery.DeliveryTuning;
import io.otpstream.dispatcher.delivery.DeliveryWorker;
import io.otpstream.dispatcher.delivery.RetryHeaders;
import io.otpstream.dispatcher.delivery.RetryPolicy;
import io.otpstream.dispatcher.delivery.WorkerConsumer;
import io.otpstream.dispatcher.webhook.event.Payloads;
import io.otpstream.dispatcher.webhook.event.SessionEvents;
import io.otpstream.dispatcher.webhook.post.WebhookPoster;
import io.otpstream.dispatcher.webhook.subscription.Subscriptions;
import io.otpstream.schemas.apps.WebhookSubscription;
import io.otpstream.schemas.audit.AuditEvent;
import io.otpstream.schemas.topics.Topics;
import io.otpstream.schemas.webhook.WebhookDelivery;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One webhook dispatcher instance: a member of its consumer group on {@code otp.events} and {@code
 * otp.webhook.retry}. Each session event an app subscribed to becomes one post per subscription
 * (made before the event), its {@code webhook-id} derived from the event's place in the log and the
 * subscription, so the id is the same on every retry and after a redelivery. A retry waits for its
 * not-before without holding up other partitions (the partition is paused), as in the SMS and email
 * dispatchers. Offsets are committed once the batch's outcomes are written: at least once, and a
 * receiver de-duplicates by {@code webhook-id}.
 */
public final class WebhookWorker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WebhookWorker.class);

  private final Topics topics;
  private final Subscriptions subscriptions;
  private final WebhookAttempts attempts;
  private final RetryPolicy retry;
  private final Clock clock;
  private final KafkaConsumer<String, byte[]> consumer;
  private final Map<TopicPartition, Instant> pausedUntil = new HashMap<>();
  private final Thread thread;
  private volatile boolean running = true;
  private volatile boolean joined;

  public WebhookWorker(
      KafkaSettings kafka,
      String groupId,
      Subscriptions subscriptions,
      Secrets secrets,
      DeliveryTuning tuning,
      boolean allowPrivate,
      Clock clock,
      MeterRegistry registry) {
    this.topics = kafka.topics();
    this.subscriptions = subscriptions;
    this.retry = RetryPolicy.of(tuning);
    this.clock = clock;
    this.attempts =
        new WebhookAttempts(
            kafka,
            subscriptions,
            new WebhookSecrets(secrets),
            new WebhookPoster(Duration.ofSeconds(10), allowPrivate, clock),
            retry,
            clock,
            registry);
    Properties cp =
        WorkerConsumer.properties(new DeliveryWorker.Config(kafka, "webhook", groupId, tuning));
    // posts are sent one by one on this thread, each up to 10 s: few records per poll, and a long
    // poll interval, so a slow endpoint does not make the group take the partitions away
    cp.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10);
    cp.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, 600_000);
    this.consumer = new KafkaConsumer<>(cp, new StringDeserializer(), new ByteArrayDeserializer());
    this.thread = new Thread(this::run, "otp-dispatcher-webhook");
  }

  public void start() {
    thread.start();
  }

  private void run() {
    try {
      consumer.subscribe(
          List.of(topics.events.name(), topics.webhookRetry.name()),
          new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
              partitions.forEach(pausedUntil::remove);
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
              joined = true;
            }
          });
      while (running) {
        resumeDue();
        ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(100));
        if (records.isEmpty()) {
          continue;
        }
        handle(records);
        if (!attempts.flush()) {
          log.error("the webhook dispatcher could not record an outcome; stopping");
          running = false;
          break;
        }
        consumer.commitSync();
      }
    } catch (WakeupException e) {
      // closing
    } catch (RuntimeException e) {
      log.error("the webhook dispatcher stopped", e);
    } finally {
      Thread.interrupted();
      consumer.close();
    }
  }

  private void handle(ConsumerRecords<String, byte[]> records) {
    boolean current = false;
    for (TopicPartition tp : records.partitions()) {
      for (ConsumerRecord<String, byte[]> r : records.records(tp)) {
        if (r.value() == null) {
          continue;
        }
        if (tp.topic().equals(topics.webhookRetry.name())) {
          Instant notBefore = RetryHeaders.notBefore(r);
          if (!retry.due(notBefore, clock.instant())) {
            consumer.pause(List.of(tp));
            consumer.seek(tp, r.offset());
            pausedUntil.put(tp, notBefore);
            break;
          }
          read(r, topics.webhookRetry.valueSerde().deserializer()::deserialize)
              .ifPresent(d -> attempts.attempt(d, RetryHeaders.attempt(r)));
          continue;
        }
        Optional<AuditEvent> event =
            read(r, topics.events.valueSerde().deserializer()::deserialize)
                .filter(e -> SessionEvents.candidate(e.getType()));
        Optional<SessionEvents.SessionEvent> mapped = event.flatMap(SessionEvents::of);
        if (mapped.isEmpty()) {
          continue;
        }
        if (!current) {
          subscriptions.awaitCurrent(); // a subscription made before this event is seen
          current = true;
        }
        post(r, event.get(), mapped.get());
      }
    }
  }

  private void post(ConsumerRecord<String, byte[]> r, AuditEvent e, SessionEvents.SessionEvent m) {
    String payload = null;
    for (WebhookSubscription s : subscriptions.subscribed(e.getAppId(), m.type())) {
      if (s.getCreatedAt().isAfter(e.getOccurredAt())) {
        continue; // subscribed after the event
      }
      payload = payload == null ? Payloads.of(e, m) : payload;
      attempts.attempt(
          new WebhookDelivery(
              webhookId(r, s.getId()),
              e.getAppId(),
              s.getId(),
              m.type(),
              payload,
              e.getOccurredAt()),
          1);
    }
  }

  /** {@code msg_} and 32 hex digits of SHA-256(topic/partition/offset/subscription). */
  static String webhookId(ConsumerRecord<?, ?> r, String subscriptionId) {
    String place = r.topic() + "/" + r.partition() + "/" + r.offset() + "/" + subscriptionId;
    return "msg_" + Secrets.sha256Hex(place).substring(0, 32);
  }

  private interface Reader<V> {
    V read(String topic, byte[] bytes);
  }

  private static <V> Optional<V> read(ConsumerRecord<String, byte[]> r, Reader<V> reader) {
    try {
      return Optional.ofNullable(reader.read(r.topic(), r.value()));
    } catch (RuntimeException e) {
      log.warn(
          "skipping an unreadable record at {}-{} offset {}", r.topic(), r.partition(), r.offset());
      return Optional.empty();
    }
  }

  private void resumeDue() {
    Instant now = clock.instant();
    List<TopicPartition> due =
        pausedUntil.entrySet().stream()
            .filter(e -> retry.due(e.getValue(), now))
            .map(Map.Entry::getKey)
            .toList();
    if (!due.isEmpty()) {
      due.forEach(pausedUntil::remove);
      consumer.resume(due);
    }
  }

  public boolean alive() {
    return thread.isAlive() && running;
  }

  public boolean joined() {
    return joined && alive();
  }

  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    try {
      thread.join(15_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    attempts.close();
  }
}
