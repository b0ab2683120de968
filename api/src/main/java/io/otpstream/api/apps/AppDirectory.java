package io.otpstream.api.apps;

import io.otpstream.common.kafka.KafkaSettings;
import io.otpstream.common.kafka.TopicFollower;
import io.otpstream.common.settings.DefaultSettings;
import io.otpstream.schemas.apps.ApiKey;
import io.otpstream.schemas.apps.App;
import io.otpstream.schemas.apps.AppCatalogRecord;
import io.otpstream.schemas.apps.AppSettings;
import io.otpstream.schemas.apps.CatalogKeys;
import io.otpstream.schemas.apps.Contact;
import io.otpstream.schemas.apps.LoginConfig;
import io.otpstream.schemas.apps.ManagementKey;
import io.otpstream.schemas.apps.MessageTemplate;
import io.otpstream.schemas.apps.WebhookSubscription;
import io.otpstream.schemas.common.Channel;
import io.otpstream.schemas.topics.Topics;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The api's read-only view of the compacted {@code otp.apps} topic: apps and the hashes of their
 * API and management keys. Reads the topic from the beginning and then follows it, so a key created
 * or revoked anywhere takes effect here without a restart.
 */
public final class AppDirectory implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AppDirectory.class);

  private final TopicFollower<AppCatalogRecord> follower;
  private final Map<String, App> apps = new ConcurrentHashMap<>();
  private final Map<String, ApiKey> apiKeys = new ConcurrentHashMap<>();
  private final Map<String, ManagementKey> managementKeys = new ConcurrentHashMap<>();
  private final Map<String, AppSettings> settings = new ConcurrentHashMap<>();
  private final Map<String, LoginConfig> loginConfigs = new ConcurrentHashMap<>();
  private final Map<String, Contact> contacts = new ConcurrentHashMap<>();
  private final Map<String, MessageTemplate> templates = new ConcurrentHashMap<>();
  private final Map<String, WebhookSubscription> webhooks = new ConcurrentHashMap<>();

  public AppDirectory(KafkaSettings kafka) {
    Topics topics = kafka.topics();
    this.follower =
        new TopicFollower<>(
            kafka,
            topics.apps.name(),
            topics.apps.valueSerde().deserializer(),
            this::apply,
            "otp-app-directory");
  }

  /** Starts following the topic and waits until everything written before now has been read. */
  public void start(Duration timeout) {
    follower.start().awaitCaughtUp(timeout);
    log.info("app directory caught up: {} apps, {} api keys", apps.size(), apiKeys.size());
  }

  public boolean caughtUp() {
    return follower.caughtUp();
  }

  public Optional<ApiKey> apiKeyByHash(String keyHash) {
    return Optional.ofNullable(apiKeys.get(keyHash)).filter(k -> !k.getRevoked());
  }

  public boolean isManagementKeyHash(String keyHash) {
    ManagementKey k = managementKeys.get(keyHash);
    return k != null && !k.getRevoked();
  }

  public Optional<App> app(String appId) {
    return Optional.ofNullable(apps.get(appId));
  }

  public List<App> apps() {
    return apps.values().stream()
        .sorted(Comparator.comparing(App::getCreatedAt).thenComparing(App::getAppId))
        .toList();
  }

  /** The app's API keys, revoked ones included, oldest first. */
  public List<ApiKey> apiKeys(String appId) {
    return apiKeys.values().stream()
        .filter(k -> k.getAppId().equals(appId))
        .sorted(Comparator.comparing(ApiKey::getCreatedAt).thenComparing(ApiKey::getKeyHash))
        .toList();
  }

  public List<LoginConfig> loginConfigs(String appId) {
    return loginConfigs.values().stream()
        .filter(c -> c.getAppId().equals(appId))
        .sorted(Comparator.comparing(LoginConfig::getCreatedAt).thenComparing(LoginConfig::getId))
        .toList();
  }

  public Optional<LoginConfig> loginConfig(String appId, String configId) {
    return Optional.ofNullable(loginConfigs.get(appId + "/" + configId));
  }

  /** The app's default login config for a channel: the newest one marked default. */
  public Optional<LoginConfig> defaultLoginConfig(String appId, Channel channel) {
    return loginConfigs(appId).stream()
        .filter(c -> c.getIsDefault() && c.getChannelType() == channel)
        .reduce((a, b) -> b);
  }

  public Optional<MessageTemplate> template(String appId, String templateId, String locale) {
    return Optional.ofNullable(templates.get(appId + "/" + templateId + "/" + locale));
  }

  public List<MessageTemplate> templates(String appId) {
    return templates.values().stream()
        .filter(t -> t.getAppId().equals(appId))
        .sorted(
            Comparator.comparing(MessageTemplate::getTemplateId)
                .thenComparing(MessageTemplate::getLocale))
        .toList();
  }

  /** The app's webhook subscriptions, oldest first. */
  public List<WebhookSubscription> webhooks(String appId) {
    return webhooks.values().stream()
        .filter(w -> w.getAppId().equals(appId))
        .sorted(
            Comparator.comparing(WebhookSubscription::getCreatedAt)
                .thenComparing(WebhookSubscription::getId))
        .toList();
  }

  public Optional<WebhookSubscription> webhook(String appId, String subscriptionId) {
    return Optional.ofNullable(webhooks.get(appId + "/" + subscriptionId));
  }

  public Optional<Contact> contact(String appId, String username) {
    return Optional.ofNullable(contacts.get(appId + "/" + username));
  }

  /**
   * Waits (at most 10 s) until this view shows a write: read-your-writes for the management API.
   */
  public void await(BooleanSupplier condition) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /**
   * Waits until this view has applied every committed record below {@code offsets} of {@code
   * otp.apps}.
   */
  public void awaitRead(Map<TopicPartition, Long> offsets, Duration timeout) {
    follower.awaitApplied(offsets, timeout);
  }

  /** The app's newest settings version, or the built-in defaults (version 0). */
  public AppSettings settings(String appId) {
    AppSettings s = settings.get(appId);
    return s != null ? s : DefaultSettings.of(appId);
  }

  /**
   * Waits (briefly) until this view holds {@code version} of the app's settings: read-your-writes
   * for a PUT.
   */
  public void awaitSettings(String appId, long version) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (settings(appId).getVersion() < version && System.nanoTime() < deadline) {
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private void apply(String key, AppCatalogRecord value) {
    int slash = key.indexOf('/');
    String kind = slash < 0 ? key : key.substring(0, slash);
    String id = slash < 0 ? "" : key.substring(slash + 1);
    Object entry = value == null ? null : value.getEntry();
    switch (kind) {
      case CatalogKeys.APP -> put(apps, id, entry instanceof App a ? a : null);
      case CatalogKeys.API_KEY -> put(apiKeys, id, entry instanceof ApiKey k ? k : null);
      case CatalogKeys.MANAGEMENT_KEY ->
          put(managementKeys, id, entry instanceof ManagementKey k ? k : null);
      case CatalogKeys.LOGIN_CONFIG ->
          put(loginConfigs, id, entry instanceof LoginConfig c ? c : null);
      case CatalogKeys.CONTACT -> put(contacts, id, entry instanceof Contact c ? c : null);
      case CatalogKeys.TEMPLATE ->
          put(templates, id, entry instanceof MessageTemplate t ? t : null);
      case CatalogKeys.WEBHOOK ->
          put(webhooks, id, entry instanceof WebhookSubscription w ? w : null);
      case CatalogKeys.SETTINGS -> {
        if (entry instanceof AppSettings v) {
          settings.merge(
              v.getAppId(), v, (old, neu) -> neu.getVersion() >= old.getVersion() ? neu : old);
        }
      }
      default -> log.debug("ignoring catalogue entry {}", key);
    }
  }

  private static <V> void put(Map<String, V> map, String id, V value) {
    if (value == null) {
      map.remove(id);
    } else {
      map.put(id, value);
    }
  }

  @Override
  public void close() {
    follower.close();
  }
}
