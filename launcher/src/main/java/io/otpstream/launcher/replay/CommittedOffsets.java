package io.otpstream.launcher.replay;

import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Whether a Streams application has committed past given input offsets: its outputs of those
 * records are then committed too (exactly-once). How a replay, or a bench, knows it has caught up.
 */
public final class CommittedOffsets {
  private CommittedOffsets() {}

  /** True when {@code groupId} has committed past each of {@code last}'s offsets. */
  public static boolean past(Admin admin, String groupId, Map<TopicPartition, Long> last)
      throws InterruptedException, ExecutionException {
    Map<TopicPartition, OffsetAndMetadata> committed =
        admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get();
    return last.entrySet().stream()
        .allMatch(
            e ->
                committed.get(e.getKey()) != null
                    && committed.get(e.getKey()).offset() > e.getValue());
  }
}
