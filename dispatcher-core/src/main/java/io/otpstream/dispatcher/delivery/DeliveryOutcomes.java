package io.otpstream.dispatcher.delivery;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.otpstream.common.kafka.KafkaSettings;
import io.otpstream.dispatcher.provider.DeliveryException;
import io.otpstream.dispatcher.provider.Redaction;
import io.otpstream.dispatcher.provider.Sent;
import io.otpstream.schemas.common.Channel;
import io.otpstream.schemas.delivery.DeliveryRequested;
import io.otpstream.schemas.delivery.DeliveryState;
import io.otpstream.schemas.delivery.DeliveryStatus;
import io.otpstream.schemas.topics.TopicSpec;
import io.otpstream.schemas.topics.Topics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Writes what became of each delivery, with the worker's one producer: a DeliveryStatus on {@code
 * otp.delivery.status} for every outcome; the sent marker before SENT; a transient failure to the
 * channel's retry topic with the next attempt's not-before ({@link RetryPolicy}); a permanent
 * failure, or the last attempt, to the dead-letter topic. A marker, a retry or a dead letter waits
 * for the broker's ack, so the worker never commits past a delivery that would be lost or sent
 * again. A provider's error or receipt text is {@link Redaction redacted} before it is logged or
 * written: it may quote the address, the number or the message.
 *
 * <p>Each outcome is counted: {@code otp.deliveries} (Prometheus {@code otp_deliveries_total}) by
 * {@code channel}, {@code provider} (the one that sent, for SENT and receipts; else the
 * dispatcher's provider, {@code primary|fallback} for a pair) and {@code status} (the state).
 */
final class DeliveryOutcomes implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DeliveryOutcomes.class);

  private final Topics topics;
  private final TopicSpec<String, DeliveryRequested> retryTopic;
  private final String providerName;
  private final Clock clock;
  private final RetryPolicy retry;
  private final SentMarkers markers;
  private final KafkaProducer<String, SpecificRecord> producer;
  private final MeterRegistry registry;
  private final KafkaClientMetrics producerMetrics;

  DeliveryOutcomes(
      KafkaSettings kafka,
      String channel,
      TopicSpec<String, DeliveryRequested> retryTopic,
      String providerName,
      Clock clock,
      RetryPolicy retry,
      SentMarkers markers,
      MeterRegistry registry) {
    this.registry = registry;
    this.topics = kafka.topics();
    this.retryTopic = retryTopic;
    this.providerName = providerName;
    this.clock = clock;
    this.retry = retry;
    this.markers = markers;
    Properties pp = kafka.clientProperties("dispatcher-" + channel + "-outcomes");
    pp.put(ProducerConfig.ACKS_CONFIG, "all");
    pp.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    pp.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    this.producer = new KafkaProducer<>(pp, new StringSerializer(), topics.anyValueSerializer());
    this.producerMetrics = new KafkaClientMetrics(producer);
    producerMetrics.bindTo(registry);
  }

  private void count(Channel channel, String provider, DeliveryState state) {
    Counter.builder("otp.deliveries")
        .description("Delivery outcomes by channel, provider and status")
        .tag("channel", channel.name().toLowerCase(Locale.ROOT))
        .tag("provider", provider == null ? "none" : provider)
        .tag("status", state.name())
        .register(registry)
        .increment();
  }

  /**
   * Sent: the marker first (acked), then SENT naming the provider that sent it; returns that
   * status.
   */
  DeliveryStatus sent(DeliveryRequested d, int partition, Sent by, int attempt) {
    DeliveryStatus status =
        DeliveryStatus.newBuilder(status(d, DeliveryState.SENT, by.messageId(), null, attempt))
            .setProvider(by.providerName())
            .build();
    markers.mark(partition, d.getDeliveryId(), status, producer);
    producer.send(new ProducerRecord<>(topics.deliveryStatus.name(), d.getSubjectId(), status));
    count(d.getChannel(), by.providerName(), DeliveryState.SENT);
    return status;
  }

  /**
   * A receipt for the message whose SENT status is {@code sent} (this instance's or another's):
   * DELIVERED or FAILED, naming the provider that sent it.
   */
  void receipt(DeliveryStatus sent, boolean delivered, String providerMessageId, String detail) {
    DeliveryStatus s =
        DeliveryStatus.newBuilder(sent)
            .setState(delivered ? DeliveryState.DELIVERED : DeliveryState.FAILED)
            .setProviderMessageId(providerMessageId)
            .setDetail(Redaction.redact(detail))
            .setAttempt(0)
            .setOccurredAt(clock.instant())
            .build();
    producer.send(new ProducerRecord<>(topics.deliveryStatus.name(), s.getSubjectId(), s));
    count(s.getChannel(), s.getProvider(), s.getState());
    try (MDC.MDCCloseable delivery = MDC.putCloseable("delivery_id", s.getDeliveryId());
        MDC.MDCCloseable session = MDC.putCloseable("session_id", s.getSessionId())) {
      log.info("delivery {} {} via {} (receipt)", s.getDeliveryId(), s.getState(), s.getProvider());
    }
  }

  /** A failed attempt: retried later (RETRYING), or dead-lettered when the policy says so. */
  void failed(DeliveryRequested d, int partition, int attempt, DeliveryException e) {
    Optional<Instant> next =
        retry.nextAttempt(attempt, e.permanent(), clock.instant(), d.getExpiresAt());
    String why = Redaction.redact(e.getMessage());
    log.warn(
        "delivery {} via {} failed (attempt {}, {}): {}",
        d.getDeliveryId(),
        providerName,
        attempt,
        e.permanent() ? "permanent" : "transient",
        why);
    if (next.isEmpty()) {
      deadLetter(d, attempt, why);
      return;
    }
    ProducerRecord<String, SpecificRecord> again =
        new ProducerRecord<>(retryTopic.name(), partition, d.getSubjectId(), d);
    RetryHeaders.add(again.headers(), attempt + 1, next.get());
    sendNow(again);
    report(
        d,
        DeliveryState.RETRYING,
        null,
        why + "; attempt " + (attempt + 1) + " at " + next.get(),
        attempt);
  }

  void deadLetter(DeliveryRequested d, int attempt, String detail) {
    sendNow(new ProducerRecord<>(topics.deliveryDeadLetter.name(), d.getSubjectId(), d));
    report(d, DeliveryState.DEAD_LETTERED, null, detail, attempt);
  }

  void report(
      DeliveryRequested d, DeliveryState state, String providerId, String detail, int attempt) {
    producer.send(
        new ProducerRecord<>(
            topics.deliveryStatus.name(),
            d.getSubjectId(),
            status(d, state, providerId, detail, attempt)));
    count(d.getChannel(), providerName, state);
    log.info("delivery {} {} via {}", d.getDeliveryId(), state, providerName);
  }

  /** Waits until every status written so far is acked (before the worker commits its offsets). */
  void flush() {
    producer.flush();
  }

  /**
   * Writes a record and waits for the ack: a retry or a dead letter must not be lost behind a
   * commit.
   */
  private void sendNow(ProducerRecord<String, SpecificRecord> record) {
    try {
      producer.send(record).get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted writing to " + record.topic());
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot write to " + record.topic(), e);
    }
  }

  private DeliveryStatus status(
      DeliveryRequested d, DeliveryState state, String providerId, String detail, int attempt) {
    return DeliveryStatus.newBuilder()
        .setDeliveryId(d.getDeliveryId())
        .setSessionId(d.getSessionId())
        .setSubjectId(d.getSubjectId())
        .setAppId(d.getAppId())
        .setChannel(d.getChannel())
        .setState(state)
        .setProvider(providerName)
        .setProviderMessageId(providerId)
        .setDetail(detail)
        .setAttempt(attempt)
        .setOccurredAt(clock.instant())
        .build();
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
    producerMetrics.close();
  }
}
