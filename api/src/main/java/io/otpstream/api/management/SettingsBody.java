package io.otpstream.api.management;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.otpstream.api.errors.Echo;
import io.otpstream.api.errors.Refusal;
import io.otpstream.common.settings.DefaultSettings;
import io.otpstream.schemas.apps.AppSettings;
import io.otpstream.schemas.apps.Limit;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The JSON shape of an app's settings (DESIGN §5 names); fields left out of a PUT take their
 * defaults. A PUT may send back what a GET answered: {@code app_id} must then be the path's app,
 * {@code version} is the one the change is based on, and {@code updated_at} is the server's
 * (ignored).
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonIgnoreProperties({"updated_at"})
record SettingsBody(
    @JsonProperty("app_id") String appId,
    Long version,
    @JsonProperty("otp_length") Integer otpLength,
    @JsonProperty("expiry_seconds") Integer expirySeconds,
    @JsonProperty("max_check_attempts") Integer maxCheckAttempts,
    @JsonProperty("max_resends_per_session") Integer maxResendsPerSession,
    @JsonProperty("resend_cooldown_seconds") Integer resendCooldownSeconds,
    @JsonProperty("resends_per_subject") LimitBody resendsPerSubject,
    @JsonProperty("resends_per_ip") LimitBody resendsPerIp,
    @JsonProperty("sends_per_subject") LimitBody sendsPerSubject,
    @JsonProperty("sends_per_ip") LimitBody sendsPerIp,
    @JsonProperty("failed_checks_per_subject") LimitBody failedChecksPerSubject,
    @JsonProperty("failed_checks_ceiling") LimitBody failedChecksCeiling,
    @JsonProperty("sends_per_number_block") LimitBody sendsPerNumberBlock,
    @JsonProperty("allowed_countries") List<String> allowedCountries,
    Long quota) {

  record LimitBody(Integer limit, @JsonProperty("window_seconds") Integer windowSeconds) {}

  /** The response: the settings plus their version. */
  record Versioned(
      @JsonProperty("app_id") String appId,
      long version,
      @JsonProperty("updated_at") Instant updatedAt,
      @JsonProperty("otp_length") int otpLength,
      @JsonProperty("expiry_seconds") int expirySeconds,
      @JsonProperty("max_check_attempts") int maxCheckAttempts,
      @JsonProperty("max_resends_per_session") int maxResendsPerSession,
      @JsonProperty("resend_cooldown_seconds") int resendCooldownSeconds,
      @JsonProperty("resends_per_subject") LimitBody resendsPerSubject,
      @JsonProperty("resends_per_ip") LimitBody resendsPerIp,
      @JsonProperty("sends_per_subject") LimitBody sendsPerSubject,
      @JsonProperty("sends_per_ip") LimitBody sendsPerIp,
      @JsonProperty("failed_checks_per_subject") LimitBody failedChecksPerSubject,
      @JsonProperty("failed_checks_ceiling") LimitBody failedChecksCeiling,
      @JsonProperty("sends_per_number_block") LimitBody sendsPerNumberBlock,
      @JsonProperty("allowed_countries") List<String> allowedCountries,
      Long quota) {

    static Versioned of(AppSettings s) {
      return new Versioned(
          s.getAppId(),
          s.getVersion(),
          s.getUpdatedAt(),
          s.getOtpLength(),
          s.getExpirySeconds(),
          s.getMaxCheckAttempts(),
          s.getMaxResendsPerSession(),
          s.getResendCooldownSeconds(),
          body(s.getResendsPerSubject()),
          body(s.getResendsPerIp()),
          body(s.getSendsPerSubject()),
          body(s.getSendsPerIp()),
          body(s.getFailedChecksPerSubject()),
          body(s.getFailedChecksCeiling()),
          body(s.getSendsPerNumberBlock()),
          s.getAllowedCountries(),
          s.getQuota());
    }

    private static LimitBody body(Limit l) {
      return new LimitBody(l.getLimit(), l.getWindowSeconds());
    }
  }

  /** Validates every field (400 naming the field) and builds the next version. */
  AppSettings toSettings(String appId, long version, Instant now, Set<String> knownRegions) {
    if (this.appId != null && !this.appId.equals(appId)) {
      throw Refusal.badRequest(
          "app_id must be the app of the path, '"
              + appId
              + "' (got '"
              + Echo.of(this.appId, 80)
              + "')");
    }
    AppSettings d = DefaultSettings.of(appId);
    return AppSettings.newBuilder(d)
        .setVersion(version)
        .setUpdatedAt(now)
        .setOtpLength(range("otp_length", otpLength, d.getOtpLength(), 4, 10))
        .setExpirySeconds(range("expiry_seconds", expirySeconds, d.getExpirySeconds(), 60, 86_400))
        .setMaxCheckAttempts(
            range("max_check_attempts", maxCheckAttempts, d.getMaxCheckAttempts(), 1, 20))
        .setMaxResendsPerSession(
            range(
                "max_resends_per_session",
                maxResendsPerSession,
                d.getMaxResendsPerSession(),
                0,
                20))
        .setResendCooldownSeconds(
            range(
                "resend_cooldown_seconds",
                resendCooldownSeconds,
                d.getResendCooldownSeconds(),
                0,
                3600))
        .setResendsPerSubject(
            limit("resends_per_subject", resendsPerSubject, d.getResendsPerSubject()))
        .setResendsPerIp(limit("resends_per_ip", resendsPerIp, d.getResendsPerIp()))
        .setSendsPerSubject(limit("sends_per_subject", sendsPerSubject, d.getSendsPerSubject()))
        .setSendsPerIp(limit("sends_per_ip", sendsPerIp, d.getSendsPerIp()))
        .setFailedChecksPerSubject(
            limit(
                "failed_checks_per_subject", failedChecksPerSubject, d.getFailedChecksPerSubject()))
        .setFailedChecksCeiling(ceiling(failedChecksCeiling, d.getFailedChecksCeiling()))
        .setSendsPerNumberBlock(
            limit("sends_per_number_block", sendsPerNumberBlock, d.getSendsPerNumberBlock()))
        .setAllowedCountries(countries(allowedCountries, knownRegions))
        .setQuota(quota(quota))
        .build();
  }

  private static int range(String field, Integer value, int dflt, int min, int max) {
    if (value == null) {
      return dflt;
    }
    if (value < min || value > max) {
      throw Refusal.badRequest(
          field + " must be between " + min + " and " + max + " (got " + value + ")");
    }
    return value;
  }

  private static Limit limit(String field, LimitBody value, Limit dflt) {
    if (value == null) {
      return dflt;
    }
    if (value.limit() == null || value.windowSeconds() == null) {
      throw Refusal.badRequest(field + " needs both limit and window_seconds");
    }
    return new Limit(
        range(field + ".limit", value.limit(), 0, 1, DefaultSettings.MAX_LIMIT),
        range(field + ".window_seconds", value.windowSeconds(), 0, 1, 604_800));
  }

  /** NIST 800-63B: at most 100 wrong codes in a row on one account. */
  private static Limit ceiling(LimitBody value, Limit dflt) {
    Limit l = limit("failed_checks_ceiling", value, dflt);
    if (l.getLimit() > 100) {
      throw Refusal.badRequest(
          "failed_checks_ceiling.limit must be between 1 and 100 (NIST 800-63B allows at most 100 failures in a row; got "
              + l.getLimit()
              + ")");
    }
    return l;
  }

  private static List<String> countries(List<String> value, Set<String> knownRegions) {
    if (value == null) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (String c : value) {
      String code = c == null ? "" : c.strip().toUpperCase(Locale.ROOT);
      if (!knownRegions.contains(code)) {
        throw Refusal.badRequest(
            "allowed_countries: '"
                + c
                + "' is not an ISO 3166-1 alpha-2 country code with phone numbers");
      }
      if (!out.contains(code)) {
        out.add(code);
      }
    }
    return out;
  }

  private static Long quota(Long value) {
    if (value != null && (value < 0 || value > 1_000_000_000_000L)) {
      throw Refusal.badRequest("quota must be null (unlimited) or between 0 and 1000000000000");
    }
    return value;
  }
}
