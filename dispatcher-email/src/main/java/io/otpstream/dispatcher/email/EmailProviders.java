package io.otpstream.dispatcher.email;

import io.otpstream.common.settings.SettingException;
import io.otpstream.dispatcher.provider.CircuitSettings;
import io.otpstream.dispatcher.provider.DeliveryProvider;
import io.otpstream.dispatcher.provider.FallbackProvider;
import io.otpstream.dispatcher.provider.OutboxProvider;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The email dispatcher's providers, from the environment: SMTP ({@code SMTP_*}) when {@code
 * SMTP_HOST} is set, else the outbox ({@code OTP_OUTBOX_FILE}); and an optional {@code
 * OTP_EMAIL_FALLBACK} ({@code smtp}, reading {@code SMTP_FALLBACK_*}, or {@code outbox}), used when
 * the primary fails or is down (its circuit: {@code OTP_EMAIL_CIRCUIT_*}, see {@link
 * CircuitSettings#fromEnv}).
 */
public final class EmailProviders {
  private static final String FALLBACK = "OTP_EMAIL_FALLBACK";

  private EmailProviders() {}

  /** Every variable {@link #fromEnv} may read. */
  public static List<String> variables() {
    List<String> all = new ArrayList<>(SmtpSettings.variables("SMTP_"));
    all.add(OutboxProvider.FILE_VARIABLE);
    all.add(FALLBACK);
    all.addAll(SmtpSettings.variables("SMTP_FALLBACK_"));
    all.addAll(CircuitSettings.variables("OTP_EMAIL_"));
    return List.copyOf(all);
  }

  public static DeliveryProvider fromEnv(Map<String, String> env, Clock clock) {
    DeliveryProvider primary;
    if (env.containsKey("SMTP_HOST")) {
      primary = new SmtpProvider(SmtpSettings.fromEnv(env));
    } else if (env.containsKey("OTP_OUTBOX_FILE")) {
      primary = OutboxProvider.fromEnv(env, "email", clock);
    } else {
      throw new SettingException(
          "SMTP_HOST", "no email provider configured: set SMTP_HOST (or OTP_OUTBOX_FILE)");
    }
    String fallback = env.get(FALLBACK);
    if (fallback == null || fallback.isBlank()) {
      return primary;
    }
    DeliveryProvider second =
        switch (fallback.strip().toLowerCase(Locale.ROOT)) {
          case "smtp" ->
              new SmtpProvider(SmtpSettings.fromEnv(env, "SMTP_FALLBACK_"), "smtp-fallback");
          case "outbox" -> OutboxProvider.fromEnv(env, "email", clock);
          default ->
              throw new SettingException(
                  FALLBACK, FALLBACK + " must be smtp or outbox, not '" + fallback + "'");
        };
    return new FallbackProvider(primary, second, CircuitSettings.fromEnv(env, "OTP_EMAIL_"), clock);
  }
}
