package io.otpstream.dispatcher.delivery;

import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.common.TopicPartition;

/**
 * The worker's side of its group's rebalances: it reads the sent markers of the partitions it takes
 * over, forgets those (and the retry pauses) of the partitions it gives up, and knows whether it
 * has joined the group yet (its first assignment, possibly empty). Called on the poll thread.
 */
final class Assignments implements ConsumerRebalanceListener {
  private final SentMarkers markers;
  private final Map<TopicPartition, Instant> pausedUntil;
  private volatile boolean joined;

  Assignments(SentMarkers markers, Map<TopicPartition, Instant> pausedUntil) {
    this.markers = markers;
    this.pausedUntil = pausedUntil;
  }

  @Override
  public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
    partitions.forEach(pausedUntil::remove);
    markers.forget(partitions.stream().map(TopicPartition::partition).toList());
  }

  @Override
  public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
    markers.load(partitions.stream().map(TopicPartition::partition).distinct().toList());
    joined = true;
  }

  boolean joined() {
    return joined;
  }
}
