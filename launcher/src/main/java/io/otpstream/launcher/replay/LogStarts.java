package io.otpstream.launcher.replay;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.common.TopicPartition;

/**
 * Where the recorded topics start now: each partition's log start offset, above 0 once retention
 * (or an operator's {@code kafka-delete-records}) deleted what came before, and the time of the
 * first record left there. A replay starts where its input topics start; a comparison can only
 * reach the recorded records that are left.
 */
record LogStarts(Map<TopicPartition, Long> offsets, Map<TopicPartition, Long> firstTimestamps) {

  /** Were records of this partition deleted? */
  boolean truncated(String topic, int partition) {
    return offsets.getOrDefault(new TopicPartition(topic, partition), 0L) > 0;
  }

  /** The partitions of these topics that records were deleted from, in order. */
  List<TopicPartition> truncated(List<String> topics) {
    return offsets.entrySet().stream()
        .filter(e -> topics.contains(e.getKey().topic()) && e.getValue() > 0)
        .map(Map.Entry::getKey)
        .sorted(
            (a, b) ->
                a.topic().equals(b.topic())
                    ? Integer.compare(a.partition(), b.partition())
                    : Integer.compare(topics.indexOf(a.topic()), topics.indexOf(b.topic())))
        .toList();
  }

  /**
   * {@code otp.commands partition 2 from offset 120 (first record 2026-11-02T10:00:00Z), ...}:
   * where each truncated partition of these topics starts.
   */
  String describe(List<String> topics) {
    return truncated(topics).stream()
        .map(
            tp ->
                tp.topic()
                    + " partition "
                    + tp.partition()
                    + " from offset "
                    + offsets.get(tp)
                    + (firstTimestamps.containsKey(tp)
                        ? " (first record " + Instant.ofEpochMilli(firstTimestamps.get(tp)) + ")"
                        : " (empty now)"))
        .collect(Collectors.joining(", "));
  }
}
