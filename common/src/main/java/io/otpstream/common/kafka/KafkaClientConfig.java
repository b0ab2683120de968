package io.otpstream.common.kafka;

import io.otpstream.common.settings.SettingException;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * The Kafka client properties of a service: those of the Java properties file named by {@value
 * #CONFIG_FILE}, then those of the {@code KAFKA_<NAME>} environment variables (the property name in
 * capitals, {@code .} as {@code _}: {@code KAFKA_SECURITY_PROTOCOL}, {@code
 * KAFKA_SASL_JAAS_CONFIG}), which win. Only names the Kafka clients define are taken (producer,
 * consumer, admin and, when added, Kafka Streams, with Streams' {@code producer.}-style prefixes),
 * so that a misspelt one stops the service instead of being ignored; each value is checked against
 * its definition. Values of password properties (JAAS, store passwords, keys) are never part of a
 * message.
 */
public final class KafkaClientConfig {
  /** A Java properties file of Kafka client properties. */
  public static final String CONFIG_FILE = "OTP_KAFKA_CONFIG_FILE";

  public static final String ENV_PREFIX = "KAFKA_";

  /**
   * {@code KAFKA_} variables that are not client properties: those of Kafka's own start scripts,
   * and the service links Kubernetes adds for a service named {@code kafka} ({@code KAFKA_PORT},
   * {@code KAFKA_PORT_9092_TCP...}, {@code KAFKA_SERVICE_HOST}...). They are ignored.
   */
  private static final Set<String> NOT_CLIENT_SETTINGS =
      Set.of(
          "KAFKA_OPTS",
          "KAFKA_HEAP_OPTS",
          "KAFKA_JVM_PERFORMANCE_OPTS",
          "KAFKA_GC_LOG_OPTS",
          "KAFKA_LOG4J_OPTS",
          "KAFKA_JMX_OPTS",
          "KAFKA_DEBUG",
          "KAFKA_PORT");

  private static final List<String> NOT_CLIENT_PREFIXES = List.of("KAFKA_PORT_", "KAFKA_SERVICE_");

  /** The prefixes Kafka Streams reads per internal client. */
  private static final List<String> CLIENT_PREFIXES =
      List.of(
          "producer.",
          "consumer.",
          "admin.",
          "main.consumer.",
          "restore.consumer.",
          "global.consumer.");

  private static final KafkaClientConfig CLIENTS =
      new KafkaClientConfig(
          List.of(
              ProducerConfig.configDef(),
              ConsumerConfig.configDef(),
              AdminClientConfig.configDef()));

  private final List<ConfigDef> defs;
  private final Map<String, ConfigDef.ConfigKey> known;

  private KafkaClientConfig(List<ConfigDef> defs) {
    this.defs = List.copyOf(defs);
    Map<String, ConfigDef.ConfigKey> k = new HashMap<>();
    for (ConfigDef d : defs) {
      d.configKeys().forEach(k::putIfAbsent);
    }
    this.known = Map.copyOf(k);
  }

  /** The names of the producer, consumer and admin clients. */
  public static KafkaClientConfig clients() {
    return CLIENTS;
  }

  /** These names and those of {@code def} (e.g. {@code StreamsConfig.configDef()}). */
  public KafkaClientConfig with(ConfigDef def) {
    List<ConfigDef> more = new ArrayList<>(defs);
    more.add(def);
    return new KafkaClientConfig(more);
  }

  /** {@code security.protocol} → {@code KAFKA_SECURITY_PROTOCOL}. */
  public static String envName(String property) {
    return ENV_PREFIX + property.toUpperCase(Locale.ROOT).replace('.', '_');
  }

  /** Is {@code name} a Kafka client property here (possibly behind a Streams client prefix)? */
  public boolean knows(String name) {
    return key(name) != null;
  }

  /** Is {@code name} a password property (its value never shown)? */
  public static boolean isSecret(String name) {
    ConfigDef.ConfigKey k = CLIENTS.key(name);
    String n = name.toLowerCase(Locale.ROOT);
    return (k != null && k.type == ConfigDef.Type.PASSWORD)
        || n.contains("password")
        || n.contains("jaas")
        || n.contains("secret")
        || n.endsWith(".key");
  }

  /**
   * The client properties: the file's, then the environment's. Refuses an unknown name or a value
   * its property does not accept, naming the variable or the file and key.
   */
  public Map<String, String> read(Map<String, String> env) {
    Map<String, String> props = new LinkedHashMap<>();
    String file = env.get(CONFIG_FILE);
    if (file != null && !file.isBlank()) {
      readFile(Path.of(file.strip()), props);
    }
    for (Map.Entry<String, String> e : new TreeMap<>(env).entrySet()) {
      String var = e.getKey();
      if (!var.startsWith(ENV_PREFIX) || ignored(var)) {
        continue;
      }
      String property =
          var.substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.');
      if (!knows(property)) {
        throw new SettingException(
            var,
            var
                + " is not a Kafka client setting: there is no client property '"
                + property
                + "' (a Kafka client property 'a.b.c' is set as KAFKA_A_B_C)");
      }
      props.put(property, check(var, property, e.getValue()));
    }
    return props;
  }

  private void readFile(Path path, Map<String, String> props) {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(path)) {
      p.load(r);
    } catch (NoSuchFileException e) {
      throw new SettingException(
          CONFIG_FILE, CONFIG_FILE + ": cannot read " + path + ", no such file");
    } catch (IOException | IllegalArgumentException e) {
      throw new SettingException(
          CONFIG_FILE, CONFIG_FILE + ": cannot read " + path + " as a Java properties file");
    }
    for (String name : new TreeMap<>(toMap(p)).keySet()) {
      String where = CONFIG_FILE + " (" + path + ")";
      if (!knows(name)) {
        throw new SettingException(
            CONFIG_FILE, where + ": '" + name + "' is not a Kafka client property");
      }
      props.put(name, check(where + " " + name, name, p.getProperty(name)));
    }
  }

  private static Map<String, String> toMap(Properties p) {
    Map<String, String> m = new HashMap<>();
    p.stringPropertyNames().forEach(n -> m.put(n, p.getProperty(n)));
    return m;
  }

  /** The value, stripped, once its property's definition accepts it. */
  private String check(String where, String property, String value) {
    String v = value == null ? "" : value.strip();
    ConfigDef.ConfigKey k = key(property);
    if (k.type == ConfigDef.Type.PASSWORD || isSecret(property)) {
      if (v.isEmpty()) {
        throw new SettingException(where, where + " is empty");
      }
      return v;
    }
    try {
      Object parsed = ConfigDef.parseType(k.name, v, k.type);
      if (k.validator != null) {
        k.validator.ensureValid(k.name, parsed);
      }
    } catch (ConfigException e) {
      throw new SettingException(where, where + ": " + e.getMessage());
    }
    return v;
  }

  private ConfigDef.ConfigKey key(String name) {
    ConfigDef.ConfigKey k = known.get(name);
    if (k != null) {
      return k;
    }
    for (String prefix : CLIENT_PREFIXES) {
      if (name.startsWith(prefix)) {
        return known.get(name.substring(prefix.length()));
      }
    }
    return null;
  }

  private static boolean ignored(String var) {
    return NOT_CLIENT_SETTINGS.contains(var)
        || NOT_CLIENT_PREFIXES.stream().anyMatch(var::startsWith);
  }
}
