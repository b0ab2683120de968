package io.otpstream.dispatcher.template;

import io.otpstream.common.kafka.KafkaSettings;
import io.otpstream.common.kafka.TopicFollower;
import io.otpstream.schemas.apps.App;
import io.otpstream.schemas.apps.AppCatalogRecord;
import io.otpstream.schemas.apps.CatalogKeys;
import io.otpstream.schemas.apps.MessageTemplate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The dispatchers' view of the apps' message templates and names, followed from the compacted
 * {@code otp.apps} topic: a template changed through the management API applies to the next
 * message, with no restart. Lookup falls back from the exact locale to its language, then to {@code
 * en}, then from the session's template id to the app's {@code default}.
 */
public final class TemplateCatalog implements AutoCloseable {
  public static final String DEFAULT_TEMPLATE = "default";

  private final TopicFollower<AppCatalogRecord> follower;
  private final Map<String, MessageTemplate> templates = new ConcurrentHashMap<>();
  private final Map<String, String> appNames = new ConcurrentHashMap<>();

  public TemplateCatalog(KafkaSettings kafka) {
    this.follower =
        new TopicFollower<>(
            kafka,
            kafka.topics().apps.name(),
            kafka.topics().apps.valueSerde().deserializer(),
            this::apply,
            "otp-template-catalog");
  }

  public TemplateCatalog start() {
    follower.start();
    return this;
  }

  public void awaitCaughtUp(java.time.Duration timeout) {
    follower.awaitCaughtUp(timeout);
  }

  /** The app's template for a session's template id and locale, following the fallbacks above. */
  public Optional<MessageTemplate> find(String appId, String templateId, String locale) {
    List<String> ids = new ArrayList<>();
    if (templateId != null) {
      ids.add(templateId);
    }
    ids.add(DEFAULT_TEMPLATE);
    List<String> locales = new ArrayList<>();
    if (locale != null) {
      String l = locale.toLowerCase(Locale.ROOT);
      locales.add(l);
      if (l.contains("-")) {
        locales.add(l.substring(0, l.indexOf('-')));
      }
    }
    locales.add("en");
    for (String id : ids) {
      for (String l : locales) {
        MessageTemplate t = templates.get(appId + "/" + id + "/" + l);
        if (t != null) {
          return Optional.of(t);
        }
      }
    }
    return Optional.empty();
  }

  public Optional<String> appName(String appId) {
    return Optional.ofNullable(appNames.get(appId));
  }

  private void apply(String key, AppCatalogRecord value) {
    Object entry = value == null ? null : value.getEntry();
    if (CatalogKeys.is(key, CatalogKeys.TEMPLATE)) {
      String id = key.substring(CatalogKeys.TEMPLATE.length() + 1);
      if (entry instanceof MessageTemplate t) {
        templates.put(id, t);
      } else {
        templates.remove(id);
      }
    } else if (CatalogKeys.is(key, CatalogKeys.APP) && entry instanceof App a) {
      appNames.put(a.getAppId(), a.getName());
    }
  }

  @Override
  public void close() {
    follower.close();
  }
}
