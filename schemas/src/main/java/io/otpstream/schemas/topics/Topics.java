package io.otpstream.schemas.topics;

import io.otpstream.schemas.apps.AppCatalogRecord;
import io.otpstream.schemas.audit.AuditEvent;
import io.otpstream.schemas.command.OtpCommand;
import io.otpstream.schemas.decision.OtpDecision;
import io.otpstream.schemas.delivery.DeliveryRequested;
import io.otpstream.schemas.delivery.DeliveryStatus;
import io.otpstream.schemas.serde.ValueFormat;
import io.otpstream.schemas.webhook.WebhookAttempt;
import io.otpstream.schemas.webhook.WebhookDelivery;
import java.time.Duration;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The typed topic catalogue: every topic otpstream reads or writes, declared once. A prefix (empty
 * by default) lets several installations, or test runs, share one cluster.
 *
 * <p>Keys: sends and resends of apps with a quota, idempotent ones and every send to a phone enter
 * on {@code otp.quota} (the quota stage, which also counts the sends to each block of phone numbers
 * and reads the refunds of later refusals there), keyed by app when the quota charges them and by
 * one of the app's shard keys otherwise ({@link EntryStage}); sends and resends go on {@code
 * otp.requests} keyed by client IP (the per-IP limit stage); commands, events, deliveries and
 * delivery statuses are keyed by subject id, so one subject's traffic stays on one partition and in
 * order; replies by request id, routed to the partition the waiting api instance named; the app
 * catalogue by entry key.
 *
 * <p>Values are written in one {@link ValueFormat} for the whole catalogue: single-object encoding
 * by default, the schema registry's framing in registry mode. Every reader and writer takes its
 * serdes from here.
 */
public final class Topics {
  public static final String QUOTA = "otp.quota";
  public static final String REQUESTS = "otp.requests";
  public static final String COMMANDS = "otp.commands";
  public static final String REPLIES = "otp.replies";
  public static final String EVENTS = "otp.events";
  public static final String DELIVERY_SMS = "otp.delivery.sms";
  public static final String DELIVERY_EMAIL = "otp.delivery.email";
  public static final String DELIVERY_STATUS = "otp.delivery.status";
  public static final String DELIVERY_DEAD_LETTER = "otp.delivery.dlq";
  public static final String DELIVERY_SMS_RETRY = "otp.delivery.sms.retry";
  public static final String DELIVERY_EMAIL_RETRY = "otp.delivery.email.retry";
  public static final String DELIVERY_SENT = "otp.delivery.sent";
  public static final String APPS = "otp.apps";
  public static final String WEBHOOK_RETRY = "otp.webhook.retry";
  public static final String WEBHOOK_DEAD_LETTER = "otp.webhook.dlq";
  public static final String WEBHOOK_LOG = "otp.webhook.log";
  public static final String DPOP_JTI = "otp.dpop.jti";

  /** Partitions of the reply topic: the most api instances that can wait for replies at once. */
  public static final int REPLY_PARTITIONS = 8;

  private static final int PARTITIONS = 6;

  private static final Serde<String> KEY = Serdes.String();

  private final String prefix;
  private final ValueFormat format;

  public final TopicSpec<String, OtpCommand> quota;
  public final TopicSpec<String, OtpCommand> requests;
  public final TopicSpec<String, OtpCommand> commands;
  public final TopicSpec<String, OtpDecision> replies;
  public final TopicSpec<String, AuditEvent> events;
  public final TopicSpec<String, DeliveryRequested> deliverySms;
  public final TopicSpec<String, DeliveryRequested> deliveryEmail;
  public final TopicSpec<String, DeliveryStatus> deliveryStatus;
  public final TopicSpec<String, DeliveryRequested> deliveryDeadLetter;

  /**
   * Deliveries waiting to be tried again after a transient failure (headers: attempt, not-before).
   */
  public final TopicSpec<String, DeliveryRequested> deliverySmsRetry;

  public final TopicSpec<String, DeliveryRequested> deliveryEmailRetry;

  /**
   * What the dispatchers have sent, keyed by delivery id, in the partition of the delivery it
   * answers: a dispatcher taking over a partition reads it so it never sends a delivery twice.
   */
  public final TopicSpec<String, DeliveryStatus> deliverySent;

  public final TopicSpec<String, AppCatalogRecord> apps;

  /** Webhook posts waiting to be tried again (headers: attempt, not-before), by subscription. */
  public final TopicSpec<String, WebhookDelivery> webhookRetry;

  /** Webhook posts given up after their last attempt, or refused at delivery time. */
  public final TopicSpec<String, WebhookDelivery> webhookDeadLetter;

  /** Every attempt to post a webhook, by subscription: the delivery log. */
  public final TopicSpec<String, WebhookAttempt> webhookLog;

  /**
   * The DPoP proofs' {@code jti}s claimed by the api instances, keyed by the jti's SHA-256, each
   * value the claim's random id: the first claim of a key in the log wins, on every instance. Not
   * an Avro record: nothing but a claim id, kept minutes.
   */
  public final TopicSpec<String, String> dpopJti;

  /** Single-object values. */
  public Topics(String prefix) {
    this(prefix, ValueFormat.singleObject());
  }

  public Topics(String prefix, ValueFormat format) {
    this.prefix = prefix == null ? "" : prefix;
    this.format = format;
    quota = spec(QUOTA, OtpCommand.class, PARTITIONS, null, false);
    requests = spec(REQUESTS, OtpCommand.class, PARTITIONS, null, false);
    commands = spec(COMMANDS, OtpCommand.class, PARTITIONS, null, false);
    replies = spec(REPLIES, OtpDecision.class, REPLY_PARTITIONS, Duration.ofHours(1), false);
    events = spec(EVENTS, AuditEvent.class, PARTITIONS, null, false);
    deliverySms =
        spec(DELIVERY_SMS, DeliveryRequested.class, PARTITIONS, Duration.ofDays(7), false);
    deliveryEmail =
        spec(DELIVERY_EMAIL, DeliveryRequested.class, PARTITIONS, Duration.ofDays(7), false);
    deliveryStatus =
        spec(DELIVERY_STATUS, DeliveryStatus.class, PARTITIONS, Duration.ofDays(30), false);
    deliveryDeadLetter =
        spec(DELIVERY_DEAD_LETTER, DeliveryRequested.class, 1, Duration.ofDays(30), false);
    deliverySmsRetry =
        spec(DELIVERY_SMS_RETRY, DeliveryRequested.class, PARTITIONS, Duration.ofDays(7), false);
    deliveryEmailRetry =
        spec(DELIVERY_EMAIL_RETRY, DeliveryRequested.class, PARTITIONS, Duration.ofDays(7), false);
    deliverySent = spec(DELIVERY_SENT, DeliveryStatus.class, PARTITIONS, Duration.ofDays(2), true);
    apps = spec(APPS, AppCatalogRecord.class, 1, null, true);
    webhookRetry =
        spec(WEBHOOK_RETRY, WebhookDelivery.class, PARTITIONS, Duration.ofDays(7), false);
    webhookDeadLetter =
        spec(WEBHOOK_DEAD_LETTER, WebhookDelivery.class, 1, Duration.ofDays(30), false);
    webhookLog = spec(WEBHOOK_LOG, WebhookAttempt.class, PARTITIONS, Duration.ofDays(7), false);
    dpopJti =
        new TopicSpec<>(
            this.prefix + DPOP_JTI,
            KEY,
            Serdes.String(),
            PARTITIONS,
            Duration.ofMinutes(10),
            false);
  }

  public static Topics defaults() {
    return new Topics("");
  }

  public String prefix() {
    return prefix;
  }

  public ValueFormat format() {
    return format;
  }

  /** A value serializer for any generated record, in this catalogue's format (sinks). */
  public Serializer<SpecificRecord> anyValueSerializer() {
    return format.anySerializer();
  }

  public List<TopicSpec<?, ?>> all() {
    return List.of(
        quota,
        requests,
        commands,
        replies,
        events,
        deliverySms,
        deliveryEmail,
        deliveryStatus,
        deliveryDeadLetter,
        deliverySmsRetry,
        deliveryEmailRetry,
        deliverySent,
        apps,
        webhookRetry,
        webhookDeadLetter,
        webhookLog,
        dpopJti);
  }

  private <V extends SpecificRecord> TopicSpec<String, V> spec(
      String name, Class<V> type, int partitions, Duration retention, boolean compacted) {
    return new TopicSpec<>(
        prefix + name, KEY, format.serde(type), partitions, retention, compacted);
  }
}
