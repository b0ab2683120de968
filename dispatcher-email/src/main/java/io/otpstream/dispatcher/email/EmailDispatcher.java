package io.otpstream.dispatcher.email;

import io.otpstream.common.code.OtpCodes;
import io.otpstream.common.kafka.KafkaSettings;
import io.otpstream.dispatcher.delivery.DeliveryWorker;
import io.otpstream.dispatcher.provider.DeliveryProvider;
import io.otpstream.dispatcher.template.TemplateCatalog;
import java.time.Clock;

/**
 * The email dispatcher service: a member of the {@code otp-dispatcher-email} consumer group on
 * {@code otp.delivery.email}. Scale it by starting more instances.
 */
public final class EmailDispatcher implements AutoCloseable {
  public static final String GROUP_ID = "otp-dispatcher-email";
  private final DeliveryWorker worker;
  private final TemplateCatalog templates;

  public EmailDispatcher(KafkaSettings kafka, OtpCodes codes, DeliveryProvider provider, Clock clock) {
    this(kafka, codes, provider, clock, DeliveryWorker.Tuning.defaults());
  }

  public EmailDispatcher(KafkaSettings kafka, OtpCodes codes, DeliveryProvider provider, Clock clock, DeliveryWorker.Tuning tuning) {
    this.templates = new TemplateCatalog(kafka).start();
    templates.awaitCaughtUp(java.time.Duration.ofSeconds(60)); // the apps' templates before the first message
    this.worker = new DeliveryWorker(new DeliveryWorker.Config(kafka, "email", kafka.topics().prefix() + GROUP_ID, tuning),
        kafka.topics().deliveryEmail, kafka.topics().deliveryEmailRetry, codes, new EmailTemplate(templates), provider, clock);
  }

  /** Is it still consuming (its health)? */
  public boolean alive() {
    return worker.alive();
  }

  /** Where the provider's delivery receipts go (an SMSC's, for SMPP). */
  public DeliveryWorker worker() {
    return worker;
  }

  public EmailDispatcher start() {
    worker.start();
    return this;
  }

  @Override
  public void close() {
    worker.close();
    templates.close();
  }
}
