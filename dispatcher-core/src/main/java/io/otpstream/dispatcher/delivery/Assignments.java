package io.otpstream.dispatcher.delivery;

import java.util.Collection;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.common.TopicPartition;

/**
 * The worker's side of its group's rebalances: it reads the sent markers of the partitions it takes
 * over, forgets those (and the held retries, {@link RetryHold}) of the partitions it gives up, and
 * knows whether it has joined the group yet (its first assignment, possibly empty). Called on the
 * poll thread.
 */
final class Assignments implements ConsumerRebalanceListener {
  private final SentMarkers markers;
  private final RetryHold<?, ?> hold;
  private volatile boolean joined;

  Assignments(SentMarkers markers, RetryHold<?, ?> hold) {
    this.markers = markers;
    this.hold = hold;
  }

  @Override
  public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
    hold.revoked(partitions);
    markers.forget(partitions.stream().map(TopicPartition::partition).toList());
  }

  @Override
  public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
    markers.load(partitions.stream().map(TopicPartition::partition).distinct().toList());
    hold.assigned(partitions);
    joined = true;
  }

  boolean joined() {
    return joined;
  }
}
