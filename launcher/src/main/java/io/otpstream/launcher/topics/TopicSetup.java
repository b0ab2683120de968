package io.otpstream.launcher.topics;

import io.otpstream.common.kafka.KafkaSettings;
import io.otpstream.common.settings.SettingException;
import io.otpstream.schemas.topics.Replication;
import io.otpstream.schemas.topics.TopicBootstrap;
import io.otpstream.schemas.topics.TopicSpec;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;

/**
 * What every service (and {@code otpstream admin init}) does with the topics at start: creates the
 * missing ones when {@code OTP_TOPIC_AUTO_CREATE} allows it (the default), else refuses to start
 * naming each missing topic. Replication defaults to what the cluster can hold ({@link
 * Replication#forBrokers}); {@code OTP_REPLICATION_FACTOR} and {@code OTP_MIN_INSYNC_REPLICAS}
 * override it.
 *
 * @param replicationFactor 0: from the cluster
 * @param minInsyncReplicas 0: from the replication factor
 */
public record TopicSetup(boolean autoCreate, short replicationFactor, int minInsyncReplicas) {
  public static final String AUTO_CREATE = "OTP_TOPIC_AUTO_CREATE";
  public static final String REPLICATION_FACTOR = "OTP_REPLICATION_FACTOR";
  public static final String MIN_INSYNC_REPLICAS = "OTP_MIN_INSYNC_REPLICAS";

  /** The variables read here. */
  public static final List<String> VARIABLES =
      List.of(AUTO_CREATE, REPLICATION_FACTOR, MIN_INSYNC_REPLICAS);

  /** Reads the three variables; a wrong value stops the service naming the variable. */
  public static TopicSetup fromEnv(Map<String, String> env) {
    return new TopicSetup(
        flag(env, AUTO_CREATE, true),
        (short) count(env, REPLICATION_FACTOR, 32767),
        count(env, MIN_INSYNC_REPLICAS, 32767));
  }

  /** The replication new topics get on a cluster of {@code brokers}. */
  public Replication replicationFor(int brokers) {
    short factor =
        replicationFactor > 0 ? replicationFactor : Replication.forBrokers(brokers).factor();
    int minInsync = minInsyncReplicas > 0 ? minInsyncReplicas : Replication.minInsyncFor(factor);
    if (minInsync > factor) {
      throw new SettingException(
          MIN_INSYNC_REPLICAS,
          MIN_INSYNC_REPLICAS
              + "="
              + minInsync
              + " is more than the replication factor "
              + factor
              + (replicationFactor > 0 ? " (" + REPLICATION_FACTOR + ")" : " (from the cluster)")
              + ": it must be 1-"
              + factor);
    }
    return new Replication(factor, minInsync);
  }

  /**
   * Creates the missing topics of {@code kafka}'s catalogue, or, with automatic creation off,
   * requires them; returns the replication new topics get (the processor's internal topics too).
   */
  public Replication ensure(KafkaSettings kafka) {
    try (Admin admin = Admin.create(kafka.clientProperties())) {
      return ensure(admin, kafka).replication();
    }
  }

  /** What {@link #ensure(KafkaSettings)} found and did. */
  public record Outcome(Replication replication, int topics, List<String> created) {}

  public Outcome ensure(Admin admin, KafkaSettings kafka) {
    Replication replication = replicationFor(TopicBootstrap.brokers(admin));
    List<TopicSpec<?, ?>> missing = TopicBootstrap.missing(admin, kafka.topics());
    int all = kafka.topics().all().size();
    if (missing.isEmpty()) {
      return new Outcome(replication, all, List.of());
    }
    if (!autoCreate) {
      throw new MissingTopicsException(
          missing.size()
              + " of the "
              + all
              + " topics are missing and "
              + AUTO_CREATE
              + "=false forbids creating them: "
              + missing.stream().map(TopicSpec::name).collect(Collectors.joining(", "))
              + ". Create them (replication factor "
              + replication.factor()
              + ", min.insync.replicas "
              + replication.minInsyncReplicas()
              + "):\n  "
              + missing.stream().map(TopicSpec::describe).collect(Collectors.joining("\n  ")),
          missing.stream().map(TopicSpec::name).toList());
    }
    try {
      return new Outcome(replication, all, TopicBootstrap.create(admin, missing, replication));
    } catch (IllegalStateException e) {
      throw new IllegalStateException(
          e.getMessage()
              + ". If the cluster forbids creating topics, create them beforehand and set "
              + AUTO_CREATE
              + "=false",
          e);
    }
  }

  private static boolean flag(Map<String, String> env, String name, boolean dflt) {
    String v = env.get(name);
    if (v == null || v.isBlank()) {
      return dflt;
    }
    return switch (v.strip().toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new SettingException(name, name + " must be true or false, not '" + v + "'");
    };
  }

  /** A positive count up to {@code max}; unset or blank is 0 (decided from the cluster). */
  private static int count(Map<String, String> env, String name, int max) {
    String v = env.get(name);
    if (v == null || v.isBlank()) {
      return 0;
    }
    try {
      int n = Integer.parseInt(v.strip());
      if (n >= 1 && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // refused below
    }
    throw new SettingException(
        name,
        name + " must be a whole number 1-" + max + " (unset: from the cluster), not '" + v + "'");
  }
}
