package io.otpstream.e2e.replay;

import static org.awaitility.Awaitility.await;

import io.otpstream.e2e.support.SharedKafka;
import io.otpstream.e2e.support.TopicReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;

/**
 * What ageing does to a recorded log, seen and done from outside: the keys a processor's store
 * still holds (its changelog, where housekeeping's deletes are tombstones), and the head of a
 * topic's partitions deleted as retention deletes it.
 */
final class AgedLog {
  private AgedLog() {}

  /** The keys a store holds now, read from its changelog (a deleted key ends in a tombstone). */
  static Set<String> liveKeys(String applicationId, String store) {
    Map<String, Boolean> live = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r :
        TopicReader.readAll(bootstrap(), applicationId + "-" + store + "-changelog")) {
      live.put(new String(r.key(), StandardCharsets.UTF_8), r.value() != null);
    }
    Set<String> keys = new TreeSet<>();
    live.forEach(
        (k, held) -> {
          if (held) {
            keys.add(k);
          }
        });
    return keys;
  }

  static Map<TopicPartition, Long> endOffsets(String topic) throws Exception {
    try (Admin admin = admin()) {
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      admin
          .describeTopics(List.of(topic))
          .allTopicNames()
          .get()
          .get(topic)
          .partitions()
          .forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
      Map<TopicPartition, Long> end = new HashMap<>();
      admin.listOffsets(latest).all().get().forEach((tp, info) -> end.put(tp, info.offset()));
      return end;
    }
  }

  /**
   * Deletes each partition's records before the offset given, as retention deletes a partition's
   * head; returns the partitions cut and where they now start.
   */
  static Map<Integer, Long> deleteHeads(Map<TopicPartition, Long> offsets) throws Exception {
    Map<TopicPartition, RecordsToDelete> cut = new HashMap<>();
    offsets.forEach(
        (tp, offset) -> {
          if (offset > 0) {
            cut.put(tp, RecordsToDelete.beforeOffset(offset));
          }
        });
    Map<Integer, Long> starts = new TreeMap<>();
    try (Admin admin = admin()) {
      for (var e : admin.deleteRecords(cut).lowWatermarks().entrySet()) {
        starts.put(e.getKey().partition(), e.getValue().get().lowWatermark());
      }
    }
    return starts;
  }

  /**
   * How far ahead of the broker's clock a record's timestamp may be; Kafka 4 refuses more than an
   * hour ahead by default, and traffic days later carries timestamps days ahead.
   */
  static final String AHEAD = "log.message.timestamp.after.max.ms";

  /**
   * Sets (or, with null, removes) the cluster-wide default of {@link #AHEAD}, and waits until a
   * broker reports it.
   */
  static void allowTimestampsAhead(Duration ahead) throws Exception {
    try (Admin admin = admin()) {
      ConfigResource cluster = new ConfigResource(ConfigResource.Type.BROKER, "");
      AlterConfigOp op =
          ahead == null
              ? new AlterConfigOp(new ConfigEntry(AHEAD, ""), AlterConfigOp.OpType.DELETE)
              : new AlterConfigOp(
                  new ConfigEntry(AHEAD, Long.toString(ahead.toMillis())),
                  AlterConfigOp.OpType.SET);
      admin.incrementalAlterConfigs(Map.of(cluster, List.of(op))).all().get();
      String broker =
          Integer.toString(admin.describeCluster().nodes().get().iterator().next().id());
      ConfigResource one = new ConfigResource(ConfigResource.Type.BROKER, broker);
      String expected = ahead == null ? "3600000" : Long.toString(ahead.toMillis());
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  expected.equals(
                      admin.describeConfigs(List.of(one)).all().get().get(one).get(AHEAD).value()));
    }
  }

  private static Admin admin() {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap()));
  }

  private static String bootstrap() {
    return SharedKafka.bootstrapServers();
  }
}
