package io.otpstream.dispatcher.sms;

import io.otpstream.common.code.OtpCodes;
import io.otpstream.common.kafka.KafkaSettings;
import io.otpstream.dispatcher.delivery.DeliveryWorker;
import io.otpstream.dispatcher.provider.DeliveryProvider;
import io.otpstream.dispatcher.template.TemplateCatalog;
import java.time.Clock;

/**
 * The SMS dispatcher service: a member of the {@code otp-dispatcher-sms} consumer group on
 * {@code otp.delivery.sms}. Scale it by starting more instances.
 */
public final class SmsDispatcher implements AutoCloseable {
  public static final String GROUP_ID = "otp-dispatcher-sms";
  private final DeliveryWorker worker;
  private final TemplateCatalog templates;

  public SmsDispatcher(KafkaSettings kafka, OtpCodes codes, DeliveryProvider provider, Clock clock) {
    this(kafka, codes, provider, clock, DeliveryWorker.Tuning.defaults());
  }

  public SmsDispatcher(KafkaSettings kafka, OtpCodes codes, DeliveryProvider provider, Clock clock, DeliveryWorker.Tuning tuning) {
    this.templates = new TemplateCatalog(kafka).start();
    templates.awaitCaughtUp(java.time.Duration.ofSeconds(60)); // the apps' templates before the first message
    this.worker = new DeliveryWorker(new DeliveryWorker.Config(kafka, "sms", kafka.topics().prefix() + GROUP_ID, tuning),
        kafka.topics().deliverySms, kafka.topics().deliverySmsRetry, codes, new SmsTemplate(templates), provider, clock);
  }

  /** Is it still consuming (its health)? */
  public boolean alive() {
    return worker.alive();
  }

  /** Where the provider's delivery receipts go (an SMSC's, for SMPP). */
  public DeliveryWorker worker() {
    return worker;
  }

  public SmsDispatcher start() {
    worker.start();
    return this;
  }

  @Override
  public void close() {
    worker.close();
    templates.close();
  }
}
