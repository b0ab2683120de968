package io.otpstream.dispatcher.sms;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.otpstream.common.kafka.KafkaSettings;
import io.otpstream.common.secret.Secrets;
import io.otpstream.dispatcher.delivery.ChannelDispatcher;
import io.otpstream.dispatcher.delivery.DeliveryTuning;
import io.otpstream.dispatcher.provider.DeliveryProvider;
import java.time.Clock;

/**
 * The SMS dispatcher service: a member of the {@code otp-dispatcher-sms} consumer group on {@code
 * otp.delivery.sms} and its retry topic. Scale it by starting more instances.
 */
public final class SmsDispatcher extends ChannelDispatcher {
  public static final String GROUP_ID = "otp-dispatcher-sms";

  public SmsDispatcher(
      KafkaSettings kafka, Secrets secrets, DeliveryProvider provider, Clock clock) {
    this(kafka, secrets, provider, clock, DeliveryTuning.defaults());
  }

  public SmsDispatcher(
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
  public SmsDispatcher(
      KafkaSettings kafka,
      Secrets secrets,
      DeliveryProvider provider,
      Clock clock,
      DeliveryTuning tuning,
      MeterRegistry registry) {
    super(
        kafka,
        "sms",
        GROUP_ID,
        kafka.topics().deliverySms,
        kafka.topics().deliverySmsRetry,
        SmsTemplate::new,
        secrets,
        provider,
        clock,
        tuning,
        registry);
  }
}
