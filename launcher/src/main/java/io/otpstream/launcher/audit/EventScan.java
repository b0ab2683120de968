package io.otpstream.launcher.audit;

import io.otpstream.common.kafka.KafkaSettings;
import io.otpstream.schemas.audit.AuditEvent;
import io.otpstream.schemas.topics.TopicSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads {@code otp.events} once, committed records only, from the beginning of each partition to
 * its end as it was when the scan started (what is written meanwhile waits for the next run), and
 * keeps the events a query matches, in timeline order. No consumer group: nothing is committed.
 *
 * <p>A query with a time window reads only the part of each partition whose record timestamps lie
 * within the window widened by {@link #MARGIN} on both sides (found with the broker's time index):
 * an event's record carries the time of the request that led to it (Kafka Streams passes the input
 * record's timestamp on), which is its {@code occurred_at} give or take the processing delay, so a
 * month's window of a year's log reads about a month of records.
 */
public final class EventScan {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Duration STALLED = Duration.ofSeconds(60);

  /**
   * How far a record's timestamp may stray from its event's time (processing delay, delivery
   * receipts that come late) and the scan still find it.
   */
  static final Duration MARGIN = Duration.ofHours(1);

  /** The events kept, in order, and how many records were read. */
  public record Result(List<AuditEvent> events, long read) {}

  private EventScan() {}

  public static Result run(KafkaSettings kafka, AuditQuery query, Progress progress) {
    TopicSpec<String, AuditEvent> topic = kafka.topics().events;
    Deserializer<AuditEvent> values = topic.valueSerde().deserializer();
    Properties p = kafka.readToEndProperties("audit");
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
      Map<TopicPartition, Long> start = consumer.beginningOffsets(partitions, WAIT);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, WAIT);
      if (query.since() != null) {
        start = at(consumer, partitions, query.since().minus(MARGIN), end);
      }
      if (query.until() != null) {
        end = at(consumer, partitions, query.until().plus(MARGIN), end);
      }
      for (TopicPartition tp : partitions) {
        consumer.seek(tp, Math.min(start.get(tp), end.get(tp)));
      }
      Map<TopicPartition, Long> from = start;
      Map<TopicPartition, Long> to = end;
      long total =
          partitions.stream().mapToLong(tp -> Math.max(0, to.get(tp) - from.get(tp))).sum();
      long lastRecord = System.nanoTime();
      while (partitions.stream().anyMatch(tp -> consumer.position(tp, WAIT) < to.get(tp))) {
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
          if (r.offset() >= to.get(tp)) {
            continue; // past the window, or written after the scan started
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

  /**
   * Per partition, the first offset whose record timestamp is at or after {@code time}; the end
   * when there is none.
   */
  private static Map<TopicPartition, Long> at(
      KafkaConsumer<byte[], byte[]> consumer,
      List<TopicPartition> partitions,
      Instant time,
      Map<TopicPartition, Long> end) {
    Map<TopicPartition, Long> wanted = new HashMap<>();
    partitions.forEach(tp -> wanted.put(tp, Math.max(0, time.toEpochMilli())));
    Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(wanted, WAIT);
    Map<TopicPartition, Long> offsets = new HashMap<>();
    for (TopicPartition tp : partitions) {
      OffsetAndTimestamp o = found.get(tp);
      offsets.put(tp, o == null ? end.get(tp) : Math.min(o.offset(), end.get(tp)));
    }
    return offsets;
  }
}
