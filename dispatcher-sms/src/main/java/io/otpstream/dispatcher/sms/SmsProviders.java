package io.otpstream.dispatcher.sms;

import io.otpstream.common.settings.SettingException;
import io.otpstream.dispatcher.provider.CircuitSettings;
import io.otpstream.dispatcher.provider.DeliveryProvider;
import io.otpstream.dispatcher.provider.FallbackProvider;
import io.otpstream.dispatcher.provider.OutboxProvider;
import io.otpstream.dispatcher.sms.http.HttpSmsProvider;
import io.otpstream.dispatcher.sms.http.HttpSmsSettings;
import io.otpstream.dispatcher.sms.smpp.SmppProvider;
import io.otpstream.dispatcher.sms.smpp.SmppSettings;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The SMS dispatcher's providers, from the environment: {@code OTP_SMS_PROVIDER} (outbox, smpp or
 * http; outbox by default when {@code OTP_OUTBOX_FILE} is set) and an optional {@code
 * OTP_SMS_FALLBACK}, used when the primary fails or is down (its circuit: {@code
 * OTP_SMS_CIRCUIT_*}, see {@link CircuitSettings#fromEnv}). SMPP reads {@code OTP_SMPP_*}; HTTP
 * reads {@code OTP_SMS_HTTP_*} (primary) or {@code OTP_SMS_FALLBACK_HTTP_*}.
 */
public final class SmsProviders {
  private SmsProviders() {}

  public static DeliveryProvider fromEnv(Map<String, String> env, Clock clock) {
    String primary = env.get("OTP_SMS_PROVIDER");
    if (primary == null || primary.isBlank()) {
      if (env.get(OutboxProvider.FILE_VARIABLE) == null) {
        throw new SettingException(
            "OTP_SMS_PROVIDER",
            "no SMS provider configured: set OTP_SMS_PROVIDER (smpp, http or outbox)");
      }
      primary = "outbox";
    }
    DeliveryProvider first =
        provider("OTP_SMS_PROVIDER", primary, "OTP_SMS_HTTP_", "http", env, clock);
    String fallback = env.get("OTP_SMS_FALLBACK");
    if (fallback == null || fallback.isBlank()) {
      return first;
    }
    return new FallbackProvider(
        first,
        provider(
            "OTP_SMS_FALLBACK", fallback, "OTP_SMS_FALLBACK_HTTP_", "http-fallback", env, clock),
        CircuitSettings.fromEnv(env, "OTP_SMS_"),
        clock);
  }

  /** Every variable {@link #fromEnv} may read. */
  public static List<String> variables() {
    List<String> all = new ArrayList<>(List.of("OTP_SMS_PROVIDER", "OTP_SMS_FALLBACK"));
    all.add(OutboxProvider.FILE_VARIABLE);
    all.addAll(SmppSettings.VARIABLES);
    all.addAll(HttpSmsSettings.variables("OTP_SMS_HTTP_"));
    all.addAll(HttpSmsSettings.variables("OTP_SMS_FALLBACK_HTTP_"));
    all.addAll(CircuitSettings.variables("OTP_SMS_"));
    return List.copyOf(all);
  }

  private static DeliveryProvider provider(
      String variable,
      String kind,
      String httpPrefix,
      String httpName,
      Map<String, String> env,
      Clock clock) {
    return switch (kind.strip().toLowerCase(Locale.ROOT)) {
      case "smpp" -> new SmppProvider(SmppSettings.fromEnv(env));
      case "http" -> new HttpSmsProvider(HttpSmsSettings.fromEnv(env, httpPrefix), httpName);
      case "outbox" -> OutboxProvider.fromEnv(env, "sms", clock);
      default ->
          throw new SettingException(
              variable, variable + " must be smpp, http or outbox, not '" + kind + "'");
    };
  }
}
