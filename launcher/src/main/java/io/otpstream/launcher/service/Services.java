package io.otpstream.launcher.service;

import io.otpstream.common.kafka.KafkaClientConfig;
import io.otpstream.common.kafka.KafkaSettings;
import io.otpstream.common.secret.Secrets;
import io.otpstream.common.settings.SettingException;
import io.otpstream.launcher.topics.TopicSetup;
import io.otpstream.schemas.topics.Replication;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.streams.StreamsConfig;

/** What the service commands share: their Kafka settings, the secret, the start and the stop. */
public final class Services {
  public static final String SECRET = "OTP_SECRET";

  /** The variables every service reads besides its options. */
  public static final List<String> COMMON =
      Stream.of(
              KafkaSettings.VARIABLES.stream(),
              TopicSetup.VARIABLES.stream().filter(v -> !KafkaSettings.VARIABLES.contains(v)),
              Stream.of(SECRET))
          .flatMap(v -> v)
          .toList();

  /** Every service accepts the same Kafka client names: producer, consumer, admin, Streams. */
  private static final KafkaClientConfig KAFKA_NAMES =
      KafkaClientConfig.clients().with(StreamsConfig.configDef());

  private Services() {}

  /** The Kafka settings of a service (and of {@code otpstream admin}) from {@code env}. */
  public static KafkaSettings kafka(Map<String, String> env) {
    return KafkaSettings.fromEnv(env, KAFKA_NAMES);
  }

  /** The master secret {@code OTP_SECRET} of {@code env}, or why it is missing or wrong. */
  public static Secrets secrets(Map<String, String> env) {
    String s = env.get(SECRET);
    String what = "the same base64 secret (32+ random bytes) for every service";
    if (s == null || s.isBlank()) {
      throw new SettingException(SECRET, SECRET + " is required: " + what);
    }
    try {
      return Secrets.fromBase64(s.strip());
    } catch (IllegalArgumentException e) {
      // not the value, nor a message that might quote it
      throw new SettingException(SECRET, SECRET + " must be " + what);
    }
  }

  /**
   * Reaches the cluster (or says why not) and creates the missing topics (or requires them, per
   * {@code OTP_TOPIC_AUTO_CREATE}); returns the replication new topics get.
   */
  static Replication start(KafkaCheck check, Map<String, String> env) {
    TopicSetup setup = TopicSetup.fromEnv(env);
    check.reach();
    return check.ensureTopics(setup);
  }

  static KafkaCheck check(KafkaSettings kafka, int waitMs) {
    return new KafkaCheck(kafka, Duration.ofMillis(waitMs));
  }
}
