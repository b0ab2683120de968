package io.otpstream.schemas.topics;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.Serde;

/**
 * One topic of the catalogue: its name, key and value serdes, and how it is created.
 *
 * @param retention null keeps records forever (compacted topics, the audit log); on a compacted
 *     topic, a retention also deletes what is older ({@code compact,delete})
 */
public record TopicSpec<K, V>(
    String name,
    Serde<K> keySerde,
    Serde<V> valueSerde,
    int partitions,
    Duration retention,
    boolean compacted) {

  public Map<String, String> configs() {
    Map<String, String> c = new HashMap<>();
    String policy =
        !compacted
            ? TopicConfig.CLEANUP_POLICY_DELETE
            : retention == null
                ? TopicConfig.CLEANUP_POLICY_COMPACT
                : TopicConfig.CLEANUP_POLICY_COMPACT + "," + TopicConfig.CLEANUP_POLICY_DELETE;
    c.put(TopicConfig.CLEANUP_POLICY_CONFIG, policy);
    c.put(
        TopicConfig.RETENTION_MS_CONFIG,
        retention == null ? "-1" : Long.toString(retention.toMillis()));
    return c;
  }

  /**
   * How to create it by hand: {@code name (6 partitions, cleanup.policy=delete,
   * retention.ms=604800000)}.
   */
  public String describe() {
    Map<String, String> c = configs();
    return name
        + " ("
        + partitions
        + (partitions == 1 ? " partition" : " partitions")
        + ", cleanup.policy="
        + c.get(TopicConfig.CLEANUP_POLICY_CONFIG)
        + ", retention.ms="
        + c.get(TopicConfig.RETENTION_MS_CONFIG)
        + ")";
  }
}
