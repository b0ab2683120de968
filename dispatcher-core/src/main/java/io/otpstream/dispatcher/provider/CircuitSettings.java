package io.otpstream.dispatcher.provider;

import io.otpstream.common.settings.Env;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * When a {@link FallbackProvider} stops trying its primary: after {@code failures} transient
 * failures of the primary in a row, for {@code openFor}; then one trial message goes to the
 * primary.
 *
 * @param failures transient failures in a row that open the circuit (at least 1)
 * @param openFor how long an open circuit skips the primary (at least 1 ms)
 */
public record CircuitSettings(int failures, Duration openFor) {
  /** 3 failures in a row open the circuit for 30 s. */
  public static final CircuitSettings DEFAULTS = new CircuitSettings(3, Duration.ofSeconds(30));

  public CircuitSettings {
    if (failures < 1 || openFor == null || openFor.toMillis() < 1) {
      throw new IllegalArgumentException(
          "invalid circuit: " + failures + " failures, open for " + openFor);
    }
  }

  /**
   * From {@code <prefix>CIRCUIT_FAILURES} and {@code <prefix>CIRCUIT_OPEN_MS} (e.g. prefix {@code
   * OTP_SMS_}), each defaulting.
   */
  public static CircuitSettings fromEnv(Map<String, String> env, String prefix) {
    int failures = atLeastOne(env, prefix + "CIRCUIT_FAILURES", DEFAULTS.failures());
    int openMs = atLeastOne(env, prefix + "CIRCUIT_OPEN_MS", (int) DEFAULTS.openFor().toMillis());
    return new CircuitSettings(failures, Duration.ofMillis(openMs));
  }

  /** The variables {@link #fromEnv} reads under {@code prefix}. */
  public static List<String> variables(String prefix) {
    return List.of(prefix + "CIRCUIT_FAILURES", prefix + "CIRCUIT_OPEN_MS");
  }

  private static int atLeastOne(Map<String, String> env, String name, int dflt) {
    return Env.integer(env, name, dflt, 1, Integer.MAX_VALUE);
  }
}
