package io.otpstream.dispatcher.webhook;

import io.micrometer.core.instrument.MeterRegistry;
import io.otpstream.common.kafka.KafkaSettings;
import io.otpstream.common.secret.Secrets;
import io.otpstream.dispatcher.delivery.DeliveryTuning;
import io.otpstream.dispatcher.webhook.delivery.WebhookWorker;
import io.otpstream.dispatcher.webhook.subscription.Subscriptions;
import java.time.Clock;
import java.time.Duration;

/**
 * The webhook dispatcher service: the apps' webhook subscriptions (read before the first event) and
 * a worker in the webhook consumer group on {@code otp.events}, named per topic prefix. Scale it by
 * starting more instances (up to the partitions of {@code otp.events}).
 */
public final class WebhookDispatcher implements AutoCloseable {
  public static final String GROUP = "otp-dispatcher-webhook";

  private final Subscriptions subscriptions;
  private final WebhookWorker worker;

  /**
   * @param allowPrivate posts may go to loopback, private and link-local addresses (dev mode)
   */
  public WebhookDispatcher(
      KafkaSettings kafka,
      Secrets secrets,
      Clock clock,
      DeliveryTuning tuning,
      boolean allowPrivate,
      MeterRegistry registry) {
    this.subscriptions = new Subscriptions(kafka).start(Duration.ofSeconds(60));
    this.worker =
        new WebhookWorker(
            kafka,
            kafka.topics().prefix() + GROUP,
            subscriptions,
            secrets,
            tuning,
            allowPrivate,
            clock,
            registry);
  }

  public void start() {
    worker.start();
  }

  /** Is it still consuming (its liveness)? */
  public boolean alive() {
    return worker.alive() && subscriptions.caughtUp();
  }

  /** Has it joined its consumer group and is it still consuming (its readiness)? */
  public boolean ready() {
    return worker.joined() && alive();
  }

  @Override
  public void close() {
    worker.close();
    subscriptions.close();
  }
}
