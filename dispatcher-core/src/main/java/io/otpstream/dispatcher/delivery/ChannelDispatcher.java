package io.otpstream.dispatcher.delivery;

import io.micrometer.core.instrument.MeterRegistry;
import io.otpstream.common.code.OtpCodes;
import io.otpstream.common.destination.SealedDestinations;
import io.otpstream.common.kafka.KafkaSettings;
import io.otpstream.common.secret.Secrets;
import io.otpstream.dispatcher.provider.DeliveryProvider;
import io.otpstream.dispatcher.template.MessageRenderer;
import io.otpstream.dispatcher.template.TemplateCatalog;
import io.otpstream.schemas.delivery.DeliveryRequested;
import io.otpstream.schemas.topics.TopicSpec;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Function;

/**
 * A dispatcher service of one channel: the apps' templates (read before the first message) and a
 * worker in the channel's consumer group, named per topic prefix. Scale it by starting more
 * instances.
 */
public class ChannelDispatcher implements AutoCloseable {
  private final TemplateCatalog templates;
  private final DeliveryWorker worker;

  protected ChannelDispatcher(
      KafkaSettings kafka,
      String channel,
      String groupId,
      TopicSpec<String, DeliveryRequested> topic,
      TopicSpec<String, DeliveryRequested> retryTopic,
      Function<TemplateCatalog, MessageRenderer> renderer,
      Secrets secrets,
      DeliveryProvider provider,
      Clock clock,
      DeliveryTuning tuning,
      MeterRegistry registry) {
    this.templates = new TemplateCatalog(kafka).start();
    templates.awaitCaughtUp(Duration.ofSeconds(60));
    this.worker =
        new DeliveryWorker(
            new DeliveryWorker.Config(kafka, channel, kafka.topics().prefix() + groupId, tuning),
            topic,
            retryTopic,
            new OtpCodes(secrets),
            new SealedDestinations(secrets),
            renderer.apply(templates),
            provider,
            clock,
            registry);
  }

  /** Is it still consuming (its liveness)? */
  public boolean alive() {
    return worker.alive();
  }

  /** Has it joined its consumer group and is it still consuming (its readiness)? */
  public boolean ready() {
    return worker.joined();
  }

  public void start() {
    worker.start();
  }

  @Override
  public void close() {
    worker.close();
    templates.close();
  }
}
