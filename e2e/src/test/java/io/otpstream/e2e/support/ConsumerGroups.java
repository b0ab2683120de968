package io.otpstream.e2e.support;

import io.otpstream.schemas.topics.TopicSpec;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;

/**
 * A consumer group as the broker sees it, for tests that must know a worker is done or who owns
 * what: its committed offsets against the topics' ends, and its members' partitions.
 */
public final class ConsumerGroups {
  private ConsumerGroups() {}

  /**
   * Has {@code group} committed every record written so far to {@code topics}? An empty partition
   * needs no commit.
   */
  public static boolean caughtUp(Admin admin, String group, List<TopicSpec<?, ?>> topics) {
    try {
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      for (TopicSpec<?, ?> t : topics) {
        for (int p = 0; p < t.partitions(); p++) {
          latest.put(new TopicPartition(t.name(), p), OffsetSpec.latest());
        }
      }
      return admin.listOffsets(latest).all().get().entrySet().stream()
          .allMatch(
              e ->
                  e.getValue().offset() == 0
                      || committed.get(e.getKey()) != null
                          && committed.get(e.getKey()).offset() >= e.getValue().offset());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot read the offsets of " + group, e);
    }
  }

  /**
   * The partitions of {@code topic} each member of {@code group} owns, by member id; empty while
   * the group is rebalancing.
   */
  public static Map<String, Set<Integer>> assignments(Admin admin, String group, String topic) {
    try {
      ConsumerGroupDescription g =
          admin.describeConsumerGroups(List.of(group)).all().get().get(group);
      if (g.groupState() != GroupState.STABLE) {
        return Map.of();
      }
      return g.members().stream()
          .collect(
              Collectors.toMap(
                  MemberDescription::consumerId,
                  m ->
                      m.assignment().topicPartitions().stream()
                          .filter(tp -> tp.topic().equals(topic))
                          .map(TopicPartition::partition)
                          .collect(Collectors.toSet())));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot describe " + group, e);
    }
  }
}
