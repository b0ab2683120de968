package io.otpstream.launcher.service;

import io.otpstream.common.kafka.KafkaClientConfig;
import io.otpstream.common.kafka.KafkaSettings;
import io.otpstream.common.secret.Secrets;
import io.otpstream.common.settings.SettingException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.StreamsConfig;

/** What the service commands share: their Kafka settings, the secret, the start and the stop. */
final class Services {
  static final String SECRET = "OTP_SECRET";

  /** The variables every service reads besides its options. */
  static final List<String> COMMON =
      java.util.stream.Stream.concat(
              KafkaSettings.VARIABLES.stream(), java.util.stream.Stream.of(SECRET))
          .toList();

  /** Every service accepts the same Kafka client names: producer, consumer, admin, Streams. */
  private static final KafkaClientConfig KAFKA_NAMES =
      KafkaClientConfig.clients().with(StreamsConfig.configDef());

  private Services() {}

  static KafkaSettings kafka(Map<String, String> env) {
    return KafkaSettings.fromEnv(env, KAFKA_NAMES);
  }

  static Secrets secrets(Map<String, String> env) {
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

  /** Reaches the cluster (or says why not) and creates the missing topics. */
  static KafkaCheck start(KafkaSettings kafka, int waitMs, boolean createTopics) {
    KafkaCheck check = new KafkaCheck(kafka, Duration.ofMillis(waitMs));
    check.reach();
    if (createTopics) {
      check.ensureTopics();
    }
    return check;
  }
}
