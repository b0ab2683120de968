package io.otpstream.dispatcher.webhook.delivery;

import io.micrometer.core.instrument.MeterRegistry;
import io.otpstream.common.kafka.KafkaSettings;
import io.otpstream.common.secret.Secrets;
import io.otpstream.common.webhook.WebhookSecrets;
import io.otpstream.dispatcher.delivery.DeliveryTuning;
import io.otpstream.dispatcher.delivery.DeliveryWorker;
import io.otpstream.dispatcher.delivery.RetryHeaders;
import io.otpstream.dispatcher.delivery.RetryHold;
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
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
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
 * not-before in a {@link RetryHold} while the worker goes on reading, as in the SMS and email
 * dispatchers: a due retry behind a later one is not held up. Offsets are committed once the
 * batch's outcomes are written: at least once, and a receiver de-duplicates by {@code webhook-id}.
 */
public final class WebhookWorker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WebhookWorker.class);

  private final Topics topics;
  private final Subscriptions subscriptions;
  private final WebhookAttempts attempts;
  private final RetryPolicy retry;
  private final Clock clock;
  private final KafkaConsumer<String, byte[]> consumer;
  private final RetryHold<String, byte[]> hold;
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
    this.hold = new RetryHold<>(consumer, retry);
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
              hold.revoked(partitions);
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
              hold.assigned(partitions);
              joined = true;
            }
          });
      while (running) {
        ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(100));
        Instant now = clock.instant();
        List<ConsumerRecord<String, byte[]>> ready = new ArrayList<>(hold.due(now));
        ready.addAll(hold.admit(records, now));
        if (records.isEmpty() && ready.isEmpty()) {
          continue;
        }
        handle(ready);
        if (!attempts.flush()) {
          log.error("the webhook dispatcher could not record an outcome; stopping");
          running = false;
          break;
        }
        consumer.commitSync(hold.offsets());
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

  /** The records due now: retries posted again, session events posted to their subscriptions. */
  private void handle(List<ConsumerRecord<String, byte[]>> ready) {
    boolean current = false;
    for (ConsumerRecord<String, byte[]> r : ready) {
      if (r.value() == null) {
        continue;
      }
      if (r.topic().equals(topics.webhookRetry.name())) {
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
