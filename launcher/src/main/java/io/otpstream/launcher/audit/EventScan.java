package io.otpstream.launcher.audit;

import io.otpstream.common.kafka.KafkaSettings;
import io.otpstream.schemas.audit.AuditEvent;
import io.otpstream.schemas.topics.TopicSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads {@code otp.events} once, committed records only, from the beginning of each partition to
 * its end as it was when the scan started (what is written meanwhile waits for the next run), and
 * keeps the events a query matches, in timeline order. No consumer group: nothing is committed.
 */
public final class EventScan {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Duration STALLED = Duration.ofSeconds(60);

  /** The events kept, in order, and how many records were read. */
  public record Result(List<AuditEvent> events, long read) {}

  private EventScan() {}

  public static Result run(KafkaSettings kafka, AuditQuery query, Progress progress) {
    TopicSpec<String, AuditEvent> topic = kafka.topics().events;
    Deserializer<AuditEvent> values = topic.valueSerde().deserializer();
    Properties p = kafka.clientProperties("audit");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
    List<AuditEvent> kept = new ArrayList<>();
    long read = 0;
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<PartitionInfo> infos = consumer.partitionsFor(topic.name(), WAIT);
      if (infos == null || infos.isEmpty()) {
        throw new IllegalStateException(
            "the audit topic "
                + topic.name()
                + " does not exist (wrong cluster or OTP_TOPIC_PREFIX?)");
      }
      List<TopicPartition> partitions =
          infos.stream().map(i -> new TopicPartition(i.topic(), i.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> start = consumer.beginningOffsets(partitions, WAIT);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, WAIT);
      long total = partitions.stream().mapToLong(tp -> end.get(tp) - start.get(tp)).sum();
      long lastRecord = System.nanoTime();
      while (partitions.stream().anyMatch(tp -> consumer.position(tp, WAIT) < end.get(tp))) {
        var records = consumer.poll(Duration.ofMillis(200));
        if (!records.isEmpty()) {
          lastRecord = System.nanoTime();
        } else if (System.nanoTime() - lastRecord > STALLED.toNanos()) {
          throw new IllegalStateException(
              "no record of "
                  + topic.name()
                  + " for "
                  + STALLED
                  + "; read "
                  + read
                  + " of "
                  + total);
        }
        for (ConsumerRecord<byte[], byte[]> r : records) {
          TopicPartition tp = new TopicPartition(r.topic(), r.partition());
          if (r.offset() >= end.get(tp)) {
            continue; // written after the scan started
          }
          read++;
          AuditEvent e = r.value() == null ? null : values.deserialize(topic.name(), r.value());
          if (e != null && query.test(e)) {
            kept.add(e);
          }
        }
        progress.update(read, total);
      }
      progress.done(read, total);
    }
    return new Result(Timeline.sorted(kept), read);
  }
}
