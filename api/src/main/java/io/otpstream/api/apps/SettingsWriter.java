package io.otpstream.api.apps;

import io.otpstream.common.kafka.KafkaSettings;
import io.otpstream.schemas.apps.AppCatalogRecord;
import io.otpstream.schemas.apps.AppSettings;
import io.otpstream.schemas.topics.TopicSpec;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TransactionAbortableException;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Writes an app's next settings version to {@code otp.apps} so that no version is ever written
 * twice, however many PUTs race on however many api instances. Kafka has no compare-and-set; a
 * transactional producer gives one: every write uses the app's own {@code transactional.id}, whose
 * {@code initTransactions()} fences (and aborts) any other writer of that app. The writer then
 * reads {@code otp.apps} up to its end taken after fencing, checks the version it is based on, and
 * commits the next one; a writer fenced meanwhile cannot commit, and tries again from the start.
 */
public final class SettingsWriter implements AutoCloseable {
  private static final int ATTEMPTS = 5;
  private static final Duration CATCH_UP = Duration.ofSeconds(15);

  /** What a write came to. */
  public sealed interface Outcome permits Written, Stale, Contended {}

  /** Written as {@code settings} (its version is the next one). */
  public record Written(AppSettings settings) implements Outcome {}

  /**
   * Not written: the settings are at {@code current}, not at the version the change was based on.
   */
  public record Stale(long current) implements Outcome {}

  /** Not written: other writers of the app kept fencing this one. */
  public record Contended(long current) implements Outcome {}

  private final KafkaSettings kafka;
  private final TopicSpec<String, AppCatalogRecord> topic;
  private final AppDirectory directory;
  private final Admin admin;
  private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();

  public SettingsWriter(KafkaSettings kafka, AppDirectory directory) {
    this.kafka = kafka;
    this.topic = kafka.topics().apps;
    this.directory = directory;
    this.admin = Admin.create(kafka.clientProperties("settings-admin"));
  }

  /**
   * The transactional id that guards an app's settings (secured clusters need an ACL for its
   * prefix).
   */
  public static String transactionalId(KafkaSettings kafka, String appId) {
    return kafka.topicPrefix() + "otp-settings-" + appId;
  }

  /**
   * Writes {@code settings} as the app's next version, if the app's settings are still at {@code
   * basedOn} (null: whatever they are, a blind write), and waits until this instance reads it.
   */
  public Outcome write(String appId, Long basedOn, AppSettings settings) {
    // one writer per app at a time here, so this instance's own PUTs do not fence each other
    ReentrantLock lock = locks.computeIfAbsent(appId, a -> new ReentrantLock());
    lock.lock();
    try {
      for (int attempt = 1; ; attempt++) {
        Outcome outcome = attempt(appId, basedOn, settings);
        if (outcome instanceof Written w) {
          directory.awaitSettings(appId, w.settings().getVersion());
          return outcome;
        }
        if (outcome != null) {
          return outcome;
        }
        if (attempt == ATTEMPTS) {
          return new Contended(directory.settings(appId).getVersion());
        }
        pause(attempt);
      }
    } finally {
      lock.unlock();
    }
  }

  /** One fenced read-check-write; null when another writer fenced this one before it committed. */
  private Outcome attempt(String appId, Long basedOn, AppSettings settings) {
    KafkaProducer<String, AppCatalogRecord> producer = producer(appId);
    try {
      producer.initTransactions();
      directory.awaitRead(endOffsets(producer), CATCH_UP);
      long current = directory.settings(appId).getVersion();
      if (basedOn != null && basedOn != current) {
        return new Stale(current);
      }
      AppSettings next =
          AppSettings.newBuilder(settings).setAppId(appId).setVersion(current + 1).build();
      producer.beginTransaction();
      producer.send(
          new ProducerRecord<>(
              topic.name(), AppCatalog.settingsKey(next), new AppCatalogRecord(next)));
      producer.commitTransaction();
      return new Written(next);
    } catch (KafkaException e) {
      if (fenced(e)) {
        return null;
      }
      throw e;
    } finally {
      producer.close(Duration.ofSeconds(5));
    }
  }

  /**
   * Where each partition of the topic ends now, open transactions included (the high watermark).
   */
  private Map<TopicPartition, Long> endOffsets(KafkaProducer<String, AppCatalogRecord> producer) {
    Map<TopicPartition, OffsetSpec> latest =
        producer.partitionsFor(topic.name()).stream()
            .collect(
                Collectors.toMap(
                    p -> new TopicPartition(p.topic(), p.partition()), p -> OffsetSpec.latest()));
    try {
      return admin
          .listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_UNCOMMITTED))
          .all()
          .get(10, TimeUnit.SECONDS)
          .entrySet()
          .stream()
          .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot read the end of " + topic.name(), e);
    }
  }

  private KafkaProducer<String, AppCatalogRecord> producer(String appId) {
    Properties p = kafka.clientProperties("settings-" + appId);
    p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId(kafka, appId));
    // a writer that dies mid-transaction holds back every read_committed reader of otp.apps until
    // then
    p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 10_000);
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    return new KafkaProducer<>(p, new StringSerializer(), topic.valueSerde().serializer());
  }

  /** Did the write fail because another writer of the app fenced it (so nothing was committed)? */
  private static boolean fenced(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof ProducerFencedException
          || c instanceof InvalidProducerEpochException
          || c instanceof TransactionAbortableException) {
        return true;
      }
    }
    return false;
  }

  private static void pause(int attempt) {
    try {
      Thread.sleep(ThreadLocalRandom.current().nextLong(20, 100) * attempt);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    admin.close();
  }
}
