package io.otpstream.common.kafka;

import io.otpstream.common.settings.Env;
import io.otpstream.common.settings.SettingException;
import io.otpstream.schemas.serde.ValueFormat;
import io.otpstream.schemas.topics.Topics;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;

/**
 * Where the cluster is, how this installation's topics are named, and the client properties every
 * Kafka client of a service shares (security: {@code security.protocol}, SASL, TLS stores). Every
 * producer, consumer, admin client and Kafka Streams instance starts from {@link
 * #clientProperties(String)}; the operator's {@code client.id} is the prefix each client extends
 * with its role. {@link #toString()} hides password properties.
 *
 * @param schemaRegistryUrl the schema registry of registry mode ({@code OTP_SCHEMA_REGISTRY_URL}),
 *     empty for single-object values: it decides the catalogue's {@link ValueFormat}
 */
public record KafkaSettings(
    String bootstrapServers,
    String topicPrefix,
    short replicationFactor,
    Map<String, String> extra,
    String schemaRegistryUrl) {

  /** The client.id prefix when {@code KAFKA_CLIENT_ID} (or {@code client.id}) is not set. */
  public static final String DEFAULT_CLIENT_ID = "otp";

  /** The variables {@link #fromEnv} reads besides the {@code KAFKA_<NAME>} client properties. */
  public static final List<String> VARIABLES =
      List.of(
          "KAFKA_BOOTSTRAP_SERVERS",
          "KAFKA_CLIENT_ID",
          KafkaClientConfig.CONFIG_FILE,
          "OTP_TOPIC_PREFIX",
          "OTP_REPLICATION_FACTOR",
          "OTP_SCHEMA_REGISTRY_URL");

  public KafkaSettings {
    extra = Map.copyOf(extra);
    schemaRegistryUrl = schemaRegistryUrl == null ? "" : schemaRegistryUrl.strip();
  }

  public static KafkaSettings of(String bootstrapServers) {
    return new KafkaSettings(bootstrapServers, "", (short) 1, Map.of(), "");
  }

  /** {@link #fromEnv(Map, KafkaClientConfig)} with the producer, consumer and admin properties. */
  public static KafkaSettings fromEnv(Map<String, String> env) {
    return fromEnv(env, KafkaClientConfig.clients());
  }

  /**
   * From {@code OTP_KAFKA_CONFIG_FILE} and the {@code KAFKA_<NAME>} variables ({@code
   * KAFKA_BOOTSTRAP_SERVERS}, default localhost:9092; {@code KAFKA_CLIENT_ID}, the client.id
   * prefix; any property {@code names} knows), {@code OTP_TOPIC_PREFIX} and {@code
   * OTP_REPLICATION_FACTOR}, {@code OTP_SCHEMA_REGISTRY_URL}.
   */
  public static KafkaSettings fromEnv(Map<String, String> env, KafkaClientConfig names) {
    Map<String, String> props = new HashMap<>(names.read(env));
    String bootstrap = props.remove(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG);
    return new KafkaSettings(
        bootstrap == null || bootstrap.isBlank() ? "localhost:9092" : bootstrap,
        Env.text(env, "OTP_TOPIC_PREFIX", ""),
        (short) Env.integer(env, "OTP_REPLICATION_FACTOR", 1, 1, Short.MAX_VALUE),
        props,
        registryUrl(env));
  }

  /** {@code OTP_SCHEMA_REGISTRY_URL}: empty, or an http(s) URL with a host. */
  private static String registryUrl(Map<String, String> env) {
    String name = "OTP_SCHEMA_REGISTRY_URL";
    String url = Env.text(env, name, "");
    if (url.isEmpty()) {
      return url;
    }
    try {
      URI u = new URI(url);
      if (("http".equalsIgnoreCase(u.getScheme()) || "https".equalsIgnoreCase(u.getScheme()))
          && u.getHost() != null) {
        return url;
      }
    } catch (URISyntaxException e) {
      // said below
    }
    throw new SettingException(
        name,
        name
            + " must be the schema registry's http:// or https:// URL (e.g."
            + " http://registry:8080), not '"
            + url
            + "'");
  }

  public KafkaSettings withPrefix(String prefix) {
    return new KafkaSettings(bootstrapServers, prefix, replicationFactor, extra, schemaRegistryUrl);
  }

  /** The same, with these client properties added (or replaced). */
  public KafkaSettings withClientProperties(Map<String, String> more) {
    Map<String, String> all = new HashMap<>(extra);
    all.putAll(more);
    return new KafkaSettings(
        bootstrapServers, topicPrefix, replicationFactor, all, schemaRegistryUrl);
  }

  /** The same settings with the replication factor in force (the processor's internal topics). */
  public KafkaSettings withReplicationFactor(short factor) {
    return new KafkaSettings(bootstrapServers, topicPrefix, factor, extra, schemaRegistryUrl);
  }

  /** The same settings in registry mode with the registry at {@code url} (blank: without). */
  public KafkaSettings withSchemaRegistry(String url) {
    return new KafkaSettings(bootstrapServers, topicPrefix, replicationFactor, extra, url);
  }

  /** The topic catalogue, its values in the format the registry setting decides. */
  public Topics topics() {
    return new Topics(topicPrefix, ValueFormat.forRegistry(schemaRegistryUrl));
  }

  /** The client.id prefix: {@code KAFKA_CLIENT_ID}, or {@value #DEFAULT_CLIENT_ID}. */
  public String clientIdPrefix() {
    String id = extra.get(CommonClientConfigs.CLIENT_ID_CONFIG);
    return id == null || id.isBlank() ? DEFAULT_CLIENT_ID : id;
  }

  /**
   * The properties a client in {@code role} starts from: bootstrap servers, the shared client
   * properties, and {@code client.id} = prefix-role (e.g. {@code otp-api-commands-0}).
   */
  public Properties clientProperties(String role) {
    Properties p = clientProperties();
    p.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientIdPrefix() + "-" + role);
    return p;
  }

  /**
   * {@link #clientProperties(String)} for a consumer that reads partitions to their end and stops
   * (a replay, an audit scan, a start-up load): its fetches answer at once. At the default 500 ms
   * the broker holds back the fetch that finds nothing new (a transaction's marker left to skip, a
   * partition at its end) for the whole wait, so every read to an end took half a second more.
   */
  public Properties readToEndProperties(String role) {
    Properties p = clientProperties(role);
    p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10);
    return p;
  }

  /**
   * Bootstrap servers and the shared client properties; {@code client.id} only when the operator
   * set one. Prefer {@link #clientProperties(String)}.
   */
  public Properties clientProperties() {
    Properties p = new Properties();
    p.putAll(new HashMap<>(extra));
    p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    return p;
  }

  /** The client properties with the values of password properties hidden. */
  public Map<String, String> redactedClientProperties() {
    Map<String, String> shown = new TreeMap<>();
    extra.forEach((k, v) -> shown.put(k, KafkaClientConfig.isSecret(k) ? "[hidden]" : v));
    return shown;
  }

  /** {@code text} with every password property's value replaced by [hidden]. */
  public String redact(String text) {
    String out = text == null ? "" : text;
    for (Map.Entry<String, String> e : extra.entrySet()) {
      if (KafkaClientConfig.isSecret(e.getKey()) && !e.getValue().isEmpty()) {
        out = out.replace(e.getValue(), "[hidden]");
      }
    }
    return out.replaceAll("(?i)(password\\s*=\\s*)(\"[^\"]*\"|[^\\s;]+)", "$1[hidden]");
  }

  @Override
  public String toString() {
    return "KafkaSettings[bootstrapServers="
        + bootstrapServers
        + ", topicPrefix="
        + topicPrefix
        + ", replicationFactor="
        + replicationFactor
        + ", clientProperties="
        + redactedClientProperties()
        + ", schemaRegistryUrl="
        + schemaRegistryUrl
        + "]";
  }
}
