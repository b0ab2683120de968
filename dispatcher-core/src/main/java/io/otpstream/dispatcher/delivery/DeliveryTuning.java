package io.otpstream.dispatcher.delivery;

import io.otpstream.common.settings.Env;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * How a worker retries and throttles.
 *
 * @param retryBackoff the wait before the second attempt; it doubles for each further one
 * @param maxAttempts attempts before a delivery is dead-lettered
 * @param maxInFlight messages being sent at once by this instance
 * @param ratePerSecond messages per second this instance hands to its provider
 */
public record DeliveryTuning(
    Duration retryBackoff, int maxAttempts, int maxInFlight, int ratePerSecond) {
  public static DeliveryTuning defaults() {
    return new DeliveryTuning(Duration.ofSeconds(2), 5, 8, 50);
  }

  /**
   * From {@code <prefix>RETRY_BACKOFF_MS}, {@code <prefix>MAX_ATTEMPTS}, {@code
   * <prefix>MAX_IN_FLIGHT} and {@code <prefix>RATE_PER_SECOND} (e.g. prefix {@code OTP_SMS_}), each
   * defaulting.
   */
  public static DeliveryTuning fromEnv(Map<String, String> env, String prefix) {
    DeliveryTuning d = defaults();
    return new DeliveryTuning(
        Duration.ofMillis(number(env, prefix + "RETRY_BACKOFF_MS", d.retryBackoff().toMillis())),
        (int) number(env, prefix + "MAX_ATTEMPTS", d.maxAttempts()),
        (int) number(env, prefix + "MAX_IN_FLIGHT", d.maxInFlight()),
        (int) number(env, prefix + "RATE_PER_SECOND", d.ratePerSecond()));
  }

  /** The variables {@link #fromEnv} reads under {@code prefix}. */
  public static List<String> variables(String prefix) {
    return List.of(
        prefix + "RETRY_BACKOFF_MS",
        prefix + "MAX_ATTEMPTS",
        prefix + "MAX_IN_FLIGHT",
        prefix + "RATE_PER_SECOND");
  }

  private static long number(Map<String, String> env, String name, long dflt) {
    return Env.integer(env, name, (int) dflt, 1, Integer.MAX_VALUE);
  }
}
