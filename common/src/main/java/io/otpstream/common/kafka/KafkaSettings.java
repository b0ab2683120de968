package io.otpstream.common.kafka;

import io.otpstream.schemas.topics.Topics;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;

/**
 * Where the cluster is and how this installation's topics are named: what every service's Kafka
 * clients share. Extra client properties (security, for instance) pass through as is.
 */
public record KafkaSettings(
    String bootstrapServers,
    String topicPrefix,
    short replicationFactor,
    Map<String, String> extra) {

  public KafkaSettings {
    extra = Map.copyOf(extra);
  }

  public static KafkaSettings of(String bootstrapServers) {
    return new KafkaSettings(bootstrapServers, "", (short) 1, Map.of());
  }

  /**
   * From {@code KAFKA_BOOTSTRAP_SERVERS}, {@code OTP_TOPIC_PREFIX}, {@code OTP_REPLICATION_FACTOR}.
   */
  public static KafkaSettings fromEnv(Map<String, String> env) {
    return new KafkaSettings(
        env.getOrDefault("KAFKA_BOOTSTRAP_SERVERS", "localhost:9092"),
        env.getOrDefault("OTP_TOPIC_PREFIX", ""),
        Short.parseShort(env.getOrDefault("OTP_REPLICATION_FACTOR", "1")),
        Map.of());
  }

  public KafkaSettings withPrefix(String prefix) {
    return new KafkaSettings(bootstrapServers, prefix, replicationFactor, extra);
  }

  /** The same settings with the replication factor in force (the processor's internal topics). */
  public KafkaSettings withReplicationFactor(short factor) {
    return new KafkaSettings(bootstrapServers, topicPrefix, factor, extra);
  }

  public Topics topics() {
    return new Topics(topicPrefix);
  }

  /** Base client properties: bootstrap servers and the pass-through extras. */
  public Properties clientProperties() {
    Properties p = new Properties();
    p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.putAll(new HashMap<>(extra));
    return p;
  }
}
