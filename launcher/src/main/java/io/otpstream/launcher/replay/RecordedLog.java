package io.otpstream.launcher.replay;

import io.otpstream.common.kafka.KafkaSettings;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads topics as they stand, committed records only, without a consumer group: a whole topic to
 * its current end, just where each partition's last record sits (read from the tail, so a long log
 * is not read for it), or where each partition starts now that retention may have deleted its head.
 */
final class RecordedLog implements AutoCloseable {
  private static final Duration POLL = Duration.ofMillis(200);
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Duration wait;

  RecordedLog(KafkaSettings kafka, Duration wait) {
    Properties p = kafka.readToEndProperties("replay-reader");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
    this.consumer =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    this.wait = wait;
  }

  /** Every committed record of {@code topic} up to its end as it stands now, to {@code each}. */
  void readAll(String topic, Consumer<ConsumerRecord<byte[], byte[]>> each) {
    List<TopicPartition> parts = partitions(topic);
    consumer.assign(parts);
    consumer.seekToBeginning(parts);
    Map<TopicPartition, Long> end = consumer.endOffsets(parts);
    long deadline = System.nanoTime() + wait.toNanos();
    while (parts.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("could not read " + topic + " to its end in " + wait);
      }
      consumer.poll(POLL).forEach(each);
    }
    consumer.unsubscribe();
  }

  /**
   * The offset of the last committed record of each non-empty partition of {@code topics}: what a
   * consumer has processed all of once it committed past it (an end offset may sit past a
   * transaction marker no consumer ever commits past).
   */
  Map<TopicPartition, Long> lastRecords(List<String> topics) {
    List<TopicPartition> all = topics.stream().flatMap(t -> partitions(t).stream()).toList();
    consumer.assign(all); // asking for the offsets of partitions not assigned makes it warn
    Map<TopicPartition, Long> begin = consumer.beginningOffsets(all);
    Map<TopicPartition, Long> end = consumer.endOffsets(all);
    Map<TopicPartition, Long> last = new HashMap<>();
    List<TopicPartition> open = all.stream().filter(tp -> end.get(tp) > begin.get(tp)).toList();
    long back = 64;
    while (!open.isEmpty()) {
      Map<TopicPartition, Long> from = new HashMap<>();
      for (TopicPartition tp : all) {
        consumer.seek(tp, end.get(tp)); // the partitions settled are not read again
      }
      for (TopicPartition tp : open) {
        from.put(tp, Math.max(begin.get(tp), end.get(tp) - back));
        consumer.seek(tp, from.get(tp));
      }
      long deadline = System.nanoTime() + wait.toNanos();
      while (open.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("could not read " + topics + " to their end in " + wait);
        }
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
          TopicPartition tp = new TopicPartition(r.topic(), r.partition());
          if (r.offset() < end.get(tp)) { // not one written since
            last.merge(tp, r.offset(), Math::max);
          }
        }
      }
      // only aborted records or markers in that tail: look further back
      open =
          open.stream()
              .filter(tp -> !last.containsKey(tp) && from.get(tp) > begin.get(tp))
              .toList();
      back *= 16;
    }
    consumer.unsubscribe();
    return last;
  }

  /**
   * Where each partition of {@code topics} starts now (its log start offset) and, for those whose
   * first records were deleted, the timestamp of the first record left.
   */
  LogStarts starts(List<String> topics) {
    List<TopicPartition> all = topics.stream().flatMap(t -> partitions(t).stream()).toList();
    consumer.assign(all);
    Map<TopicPartition, Long> begin = consumer.beginningOffsets(all);
    Map<TopicPartition, Long> end = consumer.endOffsets(all);
    List<TopicPartition> cut =
        all.stream().filter(tp -> begin.get(tp) > 0 && end.get(tp) > begin.get(tp)).toList();
    Map<TopicPartition, Long> first = new HashMap<>();
    consumer.assign(cut);
    cut.forEach(tp -> consumer.seek(tp, begin.get(tp)));
    long deadline = System.nanoTime() + wait.toNanos();
    while (cut.stream()
        .anyMatch(tp -> !first.containsKey(tp) && consumer.position(tp) < end.get(tp))) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("could not read the start of " + topics + " in " + wait);
      }
      for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
        TopicPartition tp = new TopicPartition(r.topic(), r.partition());
        if (first.putIfAbsent(tp, r.timestamp()) == null) {
          consumer.pause(List.of(tp)); // its first record is all this needs
        }
      }
    }
    consumer.unsubscribe();
    return new LogStarts(Map.copyOf(begin), Map.copyOf(first));
  }

  private List<TopicPartition> partitions(String topic) {
    var info = consumer.partitionsFor(topic, wait);
    if (info == null || info.isEmpty()) {
      throw new IllegalStateException("topic " + topic + " does not exist");
    }
    return info.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
  }

  @Override
  public void close() {
    consumer.close();
  }
}
