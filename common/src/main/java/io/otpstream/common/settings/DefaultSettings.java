package io.otpstream.common.settings;

import io.otpstream.schemas.apps.AppSettings;
import io.otpstream.schemas.apps.Limit;
import java.time.Instant;
import java.util.List;

/**
 * The built-in settings (DESIGN §5), version 0: what an app uses until its settings are first
 * written, and what every field not given in a PUT falls back to.
 */
public final class DefaultSettings {
  /**
   * The most events a sliding-window limit may count: the processor keeps every counted event's
   * time in one store value, so its changelog record must stay far below Kafka's 1 MB default.
   */
  public static final int MAX_LIMIT = 10_000;

  private DefaultSettings() {}

  public static AppSettings of(String appId) {
    return AppSettings.newBuilder()
        .setAppId(appId)
        .setVersion(0)
        .setOtpLength(6)
        .setExpirySeconds(600)
        .setMaxCheckAttempts(5)
        .setMaxResendsPerSession(3)
        .setResendCooldownSeconds(30)
        .setResendsPerSubject(new Limit(5, 600))
        .setResendsPerIp(new Limit(20, 3600))
        .setSendsPerSubject(new Limit(10, 3600))
        .setSendsPerIp(new Limit(100, 3600))
        .setFailedChecksPerSubject(new Limit(20, 3600))
        .setFailedChecksCeiling(new Limit(100, 86_400))
        .setSendsPerNumberBlock(new Limit(10, 3600))
        .setAllowedCountries(List.of())
        .setQuota(null)
        .setUpdatedAt(Instant.EPOCH)
        .build();
  }
}
