package io.otpstream.api.apps;

import io.otpstream.common.kafka.KafkaSettings;
import io.otpstream.common.secret.Secrets;
import io.otpstream.schemas.apps.ApiKey;
import io.otpstream.schemas.apps.App;
import io.otpstream.schemas.apps.AppCatalogRecord;
import io.otpstream.schemas.apps.AppSettings;
import io.otpstream.schemas.apps.CatalogKeys;
import io.otpstream.schemas.apps.Contact;
import io.otpstream.schemas.apps.KeyMode;
import io.otpstream.schemas.apps.LoginConfig;
import io.otpstream.schemas.apps.ManagementKey;
import io.otpstream.schemas.apps.MessageTemplate;
import io.otpstream.schemas.apps.WebhookSubscription;
import io.otpstream.schemas.topics.TopicSpec;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Writes apps and keys to the compacted {@code otp.apps} topic. Keys are generated here, returned
 * once to the caller, and stored only as their SHA-256.
 */
public final class AppCatalog implements AutoCloseable {

  private final KafkaProducer<String, AppCatalogRecord> producer;
  private final TopicSpec<String, AppCatalogRecord> topic;

  public AppCatalog(KafkaSettings kafka) {
    this.topic = kafka.topics().apps;
    Properties p = kafka.clientProperties("app-catalog");
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    this.producer = new KafkaProducer<>(p, new StringSerializer(), topic.valueSerde().serializer());
  }

  public void putApp(String appId, String name) {
    putApp(new App(appId, name, Instant.now(), List.of()));
  }

  /** Creates or replaces an app (its name and allowed origins). */
  public void putApp(App app) {
    write(CatalogKeys.app(app.getAppId()), new AppCatalogRecord(app));
  }

  /** Revokes a key: it stays listed as revoked and stops authenticating everywhere. */
  public void revokeApiKey(ApiKey key) {
    write(
        CatalogKeys.apiKey(key.getKeyHash()),
        new AppCatalogRecord(ApiKey.newBuilder(key).setRevoked(true).build()));
  }

  public void putLoginConfig(LoginConfig config) {
    write(CatalogKeys.loginConfig(config.getAppId(), config.getId()), new AppCatalogRecord(config));
  }

  public void deleteLoginConfig(String appId, String configId) {
    write(CatalogKeys.loginConfig(appId, configId), null);
  }

  public void putContact(Contact contact) {
    write(
        CatalogKeys.contact(contact.getAppId(), contact.getUsername()),
        new AppCatalogRecord(contact));
  }

  public void putTemplate(MessageTemplate t) {
    write(
        CatalogKeys.template(t.getAppId(), t.getTemplateId(), t.getLocale()),
        new AppCatalogRecord(t));
  }

  public void deleteTemplate(String appId, String templateId, String locale) {
    write(CatalogKeys.template(appId, templateId, locale), null);
  }

  public void putWebhook(WebhookSubscription w) {
    write(CatalogKeys.webhook(w.getAppId(), w.getId()), new AppCatalogRecord(w));
  }

  public void deleteWebhook(String appId, String subscriptionId) {
    write(CatalogKeys.webhook(appId, subscriptionId), null);
  }

  public void deleteContact(String appId, String username) {
    write(CatalogKeys.contact(appId, username), null);
  }

  /**
   * Creates an API key ({@code sk_live_…} or {@code sk_test_…}) and returns it; only its hash is
   * kept.
   */
  public String createApiKey(String appId, KeyMode mode) {
    String key = Secrets.randomKey(mode == KeyMode.TEST ? "sk_test_" : "sk_live_");
    putApiKey(appId, key, mode);
    return key;
  }

  /**
   * Records a key the caller already holds (by its hash); writing the same key again changes
   * nothing.
   */
  public void putApiKey(String appId, String key, KeyMode mode) {
    putApiKeyHash(appId, Secrets.sha256Hex(key), mode);
  }

  private void putApiKeyHash(String appId, String hash, KeyMode mode) {
    write(
        CatalogKeys.apiKey(hash),
        new AppCatalogRecord(new ApiKey(hash, appId, mode, Instant.now(), false)));
  }

  /** Creates a management key ({@code mk_…}) and returns it; only its hash is kept. */
  public String createManagementKey() {
    String key = Secrets.randomKey("mk_");
    putManagementKey(key);
    return key;
  }

  /** Records a management key the caller already holds (by its hash). */
  public void putManagementKey(String key) {
    String hash = Secrets.sha256Hex(key);
    write(
        CatalogKeys.managementKey(hash),
        new AppCatalogRecord(new ManagementKey(hash, Instant.now(), false)));
  }

  /**
   * Writes a settings version ({@code settings/{app}/{version}}) as it is, unguarded: for seeding
   * an installation or a test. The management API writes through {@link SettingsWriter}, which
   * never writes a version twice.
   */
  public void putSettings(AppSettings settings) {
    write(settingsKey(settings.getAppId(), settings.getVersion()), new AppCatalogRecord(settings));
  }

  /** {@code settings/{app}/{version}}, the version in 12 digits so keys sort by version. */
  static String settingsKey(String appId, long version) {
    return CatalogKeys.settings(appId, version);
  }

  static String settingsKey(AppSettings settings) {
    return settingsKey(settings.getAppId(), settings.getVersion());
  }

  private void write(String key, AppCatalogRecord value) {
    try {
      producer.send(new ProducerRecord<>(topic.name(), key, value)).get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot write " + key + " to " + topic.name(), e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("Kafka did not take " + key + " within 30 s", e);
    }
  }

  @Override
  public void close() {
    producer.close();
  }
}
