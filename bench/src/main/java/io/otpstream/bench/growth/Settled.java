package io.otpstream.bench.growth;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * When the processor has decided everything written to its entry topics: its group has committed up
 * to the end of {@code otp.requests} (written without transactions here) and of {@code
 * otp.commands} (its own hop, written in transactions: the end may be a commit marker, so one short
 * counts), twice in a row a second apart. Meanwhile, every 10 s, it reports the offsets committed
 * on {@code otp.requests}: the sends read so far, ever (one record each, no transaction markers).
 */
final class Settled {
  private Settled() {}

  static void await(
      Admin admin,
      String groupId,
      String plainTopic,
      String txnTopic,
      Duration timeout,
      LongConsumer progress)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    Map<TopicPartition, Long> before = null;
    long lastReport = System.nanoTime();
    while (true) {
      Map<TopicPartition, Long> ends = ends(admin, List.of(plainTopic, txnTopic));
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get();
      boolean caughtUp =
          ends.entrySet().stream()
              .allMatch(
                  e -> {
                    long end = e.getValue();
                    OffsetAndMetadata c = committed.get(e.getKey());
                    long slack = e.getKey().topic().equals(txnTopic) ? 1 : 0;
                    return end == 0 || (c != null && c.offset() >= end - slack);
                  });
      if (caughtUp && ends.equals(before)) {
        return;
      }
      before = caughtUp ? ends : null;
      if (System.nanoTime() - lastReport > 10_000_000_000L) {
        lastReport = System.nanoTime();
        progress.accept(
            committed.entrySet().stream()
                .filter(e -> e.getKey().topic().equals(plainTopic))
                .mapToLong(e -> e.getValue().offset())
                .sum());
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the processor did not settle within " + timeout);
      }
      Thread.sleep(1000);
    }
  }

  private static Map<TopicPartition, Long> ends(Admin admin, List<String> topics) throws Exception {
    Map<TopicPartition, OffsetSpec> ask = new HashMap<>();
    for (var d : admin.describeTopics(topics).allTopicNames().get().values()) {
      d.partitions()
          .forEach(p -> ask.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest()));
    }
    Map<TopicPartition, Long> out = new HashMap<>();
    admin.listOffsets(ask).all().get().forEach((tp, info) -> out.put(tp, info.offset()));
    return out;
  }
}
