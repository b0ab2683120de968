package io.otpstream.launcher.admin;

import io.otpstream.common.kafka.KafkaSettings;
import io.otpstream.common.secret.Secrets;
import io.otpstream.schemas.apps.AppCatalogRecord;
import io.otpstream.schemas.apps.CatalogKeys;
import io.otpstream.schemas.apps.ManagementKey;
import io.otpstream.schemas.topics.TopicSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The installation's management keys in the {@code otp.apps} catalogue, as {@code otpstream admin}
 * reads and changes them. A key is generated here, returned once, and stored only as its SHA-256
 * (what {@code ManagementAuth} checks). Every change is one Kafka transaction under one
 * transactional id per installation: opening this fences any other admin run of the installation
 * still under way, so two {@code init}s at once cannot both create a first key, and a rotation's
 * new key and revocations become visible together.
 */
public final class ManagementKeys implements AutoCloseable {
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(60);

  private final KafkaSettings kafka;
  private final TopicSpec<String, AppCatalogRecord> topic;
  private final KafkaProducer<String, AppCatalogRecord> producer;

  public ManagementKeys(KafkaSettings kafka) {
    this.kafka = kafka;
    this.topic = kafka.topics().apps;
    Properties p = kafka.clientProperties();
    p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, kafka.topics().prefix() + "otpstream-admin");
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    this.producer = new KafkaProducer<>(p, new StringSerializer(), topic.valueSerde().serializer());
    try {
      producer.initTransactions();
    } catch (RuntimeException e) {
      producer.close(Duration.ZERO);
      throw e;
    }
  }

  /** The keys in force (not revoked), oldest first: the whole catalogue, read committed. */
  public List<ManagementKey> inForce() {
    Map<String, ManagementKey> keys = new HashMap<>();
    Deserializer<AppCatalogRecord> values = topic.valueSerde().deserializer();
    Properties p = kafka.readToEndProperties("admin-keys");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<PartitionInfo> infos = consumer.partitionsFor(topic.name(), READ_TIMEOUT);
      if (infos == null || infos.isEmpty()) {
        throw new IllegalStateException(
            "the app catalogue topic "
                + topic.name()
                + " does not exist: run 'otpstream admin init' first");
      }
      List<TopicPartition> partitions =
          infos.stream().map(i -> new TopicPartition(i.topic(), i.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, READ_TIMEOUT);
      long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
      while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "could not read " + topic.name() + " to its end within " + READ_TIMEOUT);
        }
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          if (!CatalogKeys.is(r.key(), CatalogKeys.MANAGEMENT_KEY)) {
            continue;
          }
          AppCatalogRecord value =
              r.value() == null ? null : values.deserialize(topic.name(), r.value());
          if (value != null && value.getEntry() instanceof ManagementKey k) {
            keys.put(r.key(), k);
          } else {
            keys.remove(r.key());
          }
        }
      }
    }
    return keys.values().stream()
        .filter(k -> !k.getRevoked())
        .sorted(Comparator.comparing(ManagementKey::getCreatedAt))
        .toList();
  }

  /** Creates the first management key when none is in force and returns it; else empty. */
  public Optional<String> createFirst() {
    if (!inForce().isEmpty()) {
      return Optional.empty();
    }
    String key = Secrets.randomKey("mk_");
    commit(List.of(record(new ManagementKey(Secrets.sha256Hex(key), Instant.now(), false))));
    return Optional.of(key);
  }

  /** A rotation: the new key (shown once) and how many keys it revoked. */
  public record Rotation(String key, int revoked) {}

  /** Creates a new key and revokes every key in force, in one transaction. */
  public Rotation rotate() {
    List<ManagementKey> old = inForce();
    String key = Secrets.randomKey("mk_");
    List<ProducerRecord<String, AppCatalogRecord>> records = new ArrayList<>();
    records.add(record(new ManagementKey(Secrets.sha256Hex(key), Instant.now(), false)));
    for (ManagementKey k : old) {
      records.add(record(ManagementKey.newBuilder(k).setRevoked(true).build()));
    }
    commit(records);
    return new Rotation(key, old.size());
  }

  private ProducerRecord<String, AppCatalogRecord> record(ManagementKey k) {
    return new ProducerRecord<>(
        topic.name(), CatalogKeys.managementKey(k.getKeyHash()), new AppCatalogRecord(k));
  }

  private void commit(List<ProducerRecord<String, AppCatalogRecord>> records) {
    producer.beginTransaction();
    try {
      records.forEach(producer::send);
      producer.commitTransaction();
    } catch (KafkaException e) {
      if (fenced(e)) {
        throw new IllegalStateException(
            "another 'otpstream admin' run of this installation started meanwhile; this one wrote"
                + " nothing (run it again to see the result)",
            e);
      }
      try {
        producer.abortTransaction();
      } catch (KafkaException abortFailed) {
        e.addSuppressed(abortFailed);
      }
      throw new IllegalStateException("cannot write to " + topic.name() + ": " + e.getMessage(), e);
    }
  }

  private static boolean fenced(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ProducerFencedException || t instanceof InvalidProducerEpochException) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void close() {
    producer.close();
  }
}
