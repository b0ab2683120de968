package io.otpstream.dispatcher.delivery;

import io.otpstream.common.kafka.KafkaSettings;
import io.otpstream.schemas.delivery.DeliveryStatus;
import io.otpstream.schemas.topics.TopicSpec;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ids of the deliveries this channel has sent, by partition, read from and written to the compacted
 * {@code otp.delivery.sent}: the worker skips a delivery whose marker it finds, so a delivery seen
 * again after a rebalance, a crash or a restart is not sent twice.
 */
final class SentMarkers implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SentMarkers.class);
  private final TopicSpec<String, DeliveryStatus> topic;
  private final KafkaConsumer<String, DeliveryStatus> reader;
  private final Map<Integer, Set<String>> byPartition = new ConcurrentHashMap<>();

  SentMarkers(KafkaSettings kafka, String channel, TopicSpec<String, DeliveryStatus> topic) {
    this.topic = topic;
    Properties p = kafka.readToEndProperties("dispatcher-" + channel + "-markers");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
    this.reader =
        new KafkaConsumer<>(p, new StringDeserializer(), topic.valueSerde().deserializer());
  }

  /**
   * Reads the markers of newly assigned partitions, to their end, before any of their deliveries is
   * handled.
   */
  synchronized void load(List<Integer> partitions) {
    List<Integer> fresh = partitions.stream().filter(p -> !byPartition.containsKey(p)).toList();
    if (fresh.isEmpty()) {
      return;
    }
    List<TopicPartition> tps =
        fresh.stream().map(p -> new TopicPartition(topic.name(), p)).toList();
    reader.assign(tps);
    reader.seekToBeginning(tps);
    Map<TopicPartition, Long> end = reader.endOffsets(tps);
    Map<Integer, Set<String>> loaded = new HashMap<>();
    fresh.forEach(p -> loaded.put(p, ConcurrentHashMap.newKeySet()));
    while (tps.stream().anyMatch(tp -> reader.position(tp) < end.get(tp))) {
      for (ConsumerRecord<String, DeliveryStatus> r : reader.poll(Duration.ofMillis(200))) {
        if (r.key() != null && r.value() != null) {
          loaded.get(r.partition()).add(r.key());
        }
      }
    }
    reader.unsubscribe();
    byPartition.putAll(loaded);
    log.info(
        "sent markers loaded for partitions {}: {}",
        fresh,
        loaded.values().stream().mapToInt(Set::size).sum());
  }

  void forget(List<Integer> partitions) {
    partitions.forEach(byPartition::remove);
  }

  boolean contains(int partition, String deliveryId) {
    Set<String> s = byPartition.get(partition);
    return s != null && s.contains(deliveryId);
  }

  /**
   * Writes the marker and waits for the broker's ack: after this, no instance sends the delivery
   * again.
   */
  void mark(
      int partition,
      String deliveryId,
      DeliveryStatus status,
      KafkaProducer<String, SpecificRecord> producer) {
    Set<String> loaded =
        byPartition.get(
            partition); // not loaded (revoked meanwhile): the next owner reads the marker
    if (loaded != null) {
      loaded.add(deliveryId);
    }
    try {
      producer
          .send(new ProducerRecord<>(topic.name(), partition, deliveryId, status))
          .get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      log.error("could not record delivery {} as sent", deliveryId, e);
    }
  }

  @Override
  public synchronized void close() {
    reader.close();
  }
}
