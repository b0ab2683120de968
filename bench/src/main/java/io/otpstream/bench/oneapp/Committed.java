package io.otpstream.bench.oneapp;

import io.otpstream.common.kafka.KafkaSettings;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Counts the committed records (read_committed) that reach some topics, from their start, and notes
 * when each topic's count first reaches a target: when a stage has written its last output.
 */
final class Committed implements AutoCloseable {
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Map<String, Long> counts = new HashMap<>();
  private final Map<String, Long> reachedAt = new HashMap<>();

  Committed(KafkaSettings kafka, List<String> topics) {
    Properties p = kafka.clientProperties("bench-committed");
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-committed-" + UUID.randomUUID());
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
    this.consumer =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    consumer.assign(
        topics.stream()
            .flatMap(t -> consumer.partitionsFor(t).stream())
            .map(i -> new TopicPartition(i.topic(), i.partition()))
            .toList());
    topics.forEach(t -> counts.put(t, 0L));
  }

  /**
   * Reads until every topic holds {@code target} committed records, or {@code timeout} passes;
   * returns when each got there (System.nanoTime), absent for a topic that did not.
   */
  Map<String, Long> awaitEach(long target, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (reachedAt.size() < counts.size() && System.nanoTime() < deadline) {
      for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(50))) {
        long c = counts.merge(r.topic(), 1L, Long::sum);
        if (c == target) {
          reachedAt.put(r.topic(), System.nanoTime());
        }
      }
    }
    return Map.copyOf(reachedAt);
  }

  /** The committed records seen so far on {@code topic}. */
  long count(String topic) {
    return counts.get(topic);
  }

  @Override
  public void close() {
    consumer.close();
  }
}
