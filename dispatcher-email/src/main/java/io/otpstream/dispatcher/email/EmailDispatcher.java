package io.otpstream.dispatcher.email;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.otpstream.common.kafka.KafkaSettings;
import io.otpstream.common.secret.Secrets;
import io.otpstream.dispatcher.delivery.ChannelDispatcher;
import io.otpstream.dispatcher.delivery.DeliveryTuning;
import io.otpstream.dispatcher.provider.DeliveryProvider;
import java.time.Clock;

/**
 * The email dispatcher service: a member of the {@code otp-dispatcher-email} consumer group on
 * {@code otp.delivery.email} and its retry topic. Scale it by starting more instances.
 */
public final class EmailDispatcher extends ChannelDispatcher {
  public static final String GROUP_ID = "otp-dispatcher-email";

  public EmailDispatcher(
      KafkaSettings kafka, Secrets secrets, DeliveryProvider provider, Clock clock) {
    this(kafka, secrets, provider, clock, DeliveryTuning.defaults());
  }

  public EmailDispatcher(
      KafkaSettings kafka,
      Secrets secrets,
      DeliveryProvider provider,
      Clock clock,
      DeliveryTuning tuning) {
    this(kafka, secrets, provider, clock, tuning, new SimpleMeterRegistry());
  }

  /**
   * Its meters (deliveries, consumer lag, Kafka clients, circuit breaker) go to {@code registry}.
   */
  public EmailDispatcher(
      KafkaSettings kafka,
      Secrets secrets,
      DeliveryProvider provider,
      Clock clock,
      DeliveryTuning tuning,
      MeterRegistry registry) {
    super(
        kafka,
        "email",
        GROUP_ID,
        kafka.topics().deliveryEmail,
        kafka.topics().deliveryEmailRetry,
        EmailTemplate::new,
        secrets,
        provider,
        clock,
        tuning,
        registry);
  }
}
