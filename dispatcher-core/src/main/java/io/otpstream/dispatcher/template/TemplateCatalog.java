package io.otpstream.dispatcher.template;

import io.otpstream.common.kafka.KafkaSettings;
import io.otpstream.schemas.apps.App;
import io.otpstream.schemas.apps.AppCatalogRecord;
import io.otpstream.schemas.apps.MessageTemplate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dispatchers' view of the apps' message templates and names, followed from the compacted
 * {@code otp.apps} topic: a template changed through the management API applies to the next
 * message, with no restart. Lookup falls back from the exact locale to its language, then to
 * {@code en}, then from the session's template id to the app's {@code default}.
 */
public final class TemplateCatalog implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TemplateCatalog.class);
  public static final String DEFAULT_TEMPLATE = "default";

  private final KafkaConsumer<String, AppCatalogRecord> consumer;
  private final String topic;
  private final Map<String, MessageTemplate> templates = new ConcurrentHashMap<>();
  private final Map<String, String> appNames = new ConcurrentHashMap<>();
  private final Thread thread;
  private volatile boolean running = true;

  public TemplateCatalog(KafkaSettings kafka) {
    this.topic = kafka.topics().apps.name();
    Properties p = kafka.clientProperties();
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    this.consumer = new KafkaConsumer<>(p, new StringDeserializer(), kafka.topics().apps.valueSerde().deserializer());
    this.thread = new Thread(this::run, "otp-template-catalog");
    thread.setDaemon(true);
  }

  public TemplateCatalog start() {
    thread.start();
    return this;
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

  private void run() {
    try {
      List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
          .map(pi -> new TopicPartition(pi.topic(), pi.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      while (running) {
        try {
          for (ConsumerRecord<String, AppCatalogRecord> r : consumer.poll(Duration.ofMillis(500))) {
            apply(r.key(), r.value());
          }
        } catch (RecordDeserializationException e) {
          consumer.seek(e.topicPartition(), e.offset() + 1); // an entry of a kind this version does not know
        }
      }
    } catch (WakeupException e) {
      // closing
    } catch (RuntimeException e) {
      log.error("template catalogue stopped; messages use the built-in texts", e);
    } finally {
      consumer.close();
    }
  }

  private void apply(String key, AppCatalogRecord value) {
    if (key == null) {
      return;
    }
    Object entry = value == null ? null : value.getEntry();
    if (key.startsWith("template/")) {
      String id = key.substring("template/".length());
      if (entry instanceof MessageTemplate t) {
        templates.put(id, t);
      } else {
        templates.remove(id);
      }
    } else if (key.startsWith("app/") && entry instanceof App a) {
      appNames.put(a.getAppId(), a.getName());
    }
  }

  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    try {
      thread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
