package io.otpstream.dispatcher.webhook.subscription;

import io.otpstream.common.kafka.KafkaSettings;
import io.otpstream.common.kafka.TopicFollower;
import io.otpstream.schemas.apps.AppCatalogRecord;
import io.otpstream.schemas.apps.CatalogKeys;
import io.otpstream.schemas.apps.WebhookSubscription;
import io.otpstream.schemas.topics.TopicSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The webhook subscriptions of every app, followed on {@code otp.apps}: a subscription made or
 * deleted through the management API takes effect without a restart. {@link #awaitCurrent} reads up
 * to the topic's end first, so an event that follows a subscription is matched against it.
 */
public final class Subscriptions implements AutoCloseable {
  private final TopicFollower<AppCatalogRecord> follower;
  private final KafkaConsumer<byte[], byte[]> ends;
  private final List<TopicPartition> partitions;
  private final Map<String, WebhookSubscription> byKey = new ConcurrentHashMap<>();

  public Subscriptions(KafkaSettings kafka) {
    TopicSpec<String, AppCatalogRecord> apps = kafka.topics().apps;
    this.follower =
        new TopicFollower<>(
            kafka,
            apps.name(),
            apps.valueSerde().deserializer(),
            this::apply,
            "otp-webhook-subscriptions");
    Properties p = kafka.clientProperties("webhook-subscriptions-end");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    this.ends = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    this.partitions =
        ends.partitionsFor(apps.name(), Duration.ofSeconds(30)).stream()
            .map(pi -> new TopicPartition(pi.topic(), pi.partition()))
            .toList();
  }

  public Subscriptions start(Duration timeout) {
    follower.start().awaitCaughtUp(timeout);
    return this;
  }

  public boolean caughtUp() {
    return follower.caughtUp();
  }

  /** Waits until every subscription written before now has been read. */
  public synchronized void awaitCurrent() {
    Map<TopicPartition, Long> end = ends.endOffsets(partitions, Duration.ofSeconds(10));
    follower.awaitApplied(end, Duration.ofSeconds(30));
  }

  /** The app's subscriptions to {@code type}. */
  public List<WebhookSubscription> subscribed(String appId, String type) {
    return byKey.values().stream()
        .filter(w -> w.getAppId().equals(appId) && w.getEventTypes().contains(type))
        .toList();
  }

  public Optional<WebhookSubscription> get(String appId, String subscriptionId) {
    return Optional.ofNullable(byKey.get(appId + "/" + subscriptionId));
  }

  private void apply(String key, AppCatalogRecord value) {
    if (!CatalogKeys.is(key, CatalogKeys.WEBHOOK)) {
      return;
    }
    String id = key.substring(CatalogKeys.WEBHOOK.length() + 1);
    if (value != null && value.getEntry() instanceof WebhookSubscription w) {
      byKey.put(id, w);
    } else {
      byKey.remove(id);
    }
  }

  @Override
  public synchronized void close() {
    follower.close();
    ends.close();
  }
}
