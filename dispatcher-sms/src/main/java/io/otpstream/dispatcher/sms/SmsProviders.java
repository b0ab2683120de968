package io.otpstream.dispatcher.sms;

import io.otpstream.dispatcher.provider.CircuitSettings;
import io.otpstream.dispatcher.provider.DeliveryProvider;
import io.otpstream.dispatcher.provider.FallbackProvider;
import io.otpstream.dispatcher.provider.OutboxProvider;
import io.otpstream.dispatcher.sms.http.HttpSmsProvider;
import io.otpstream.dispatcher.sms.http.HttpSmsSettings;
import io.otpstream.dispatcher.sms.smpp.SmppProvider;
import io.otpstream.dispatcher.sms.smpp.SmppSettings;
import java.time.Clock;
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
      if (env.get("OTP_OUTBOX_FILE") == null) {
        throw new IllegalArgumentException(
            "no SMS provider configured: set OTP_SMS_PROVIDER (smpp, http or outbox)");
      }
      primary = "outbox";
    }
    DeliveryProvider first = provider(primary, "OTP_SMS_HTTP_", "http", env, clock);
    String fallback = env.get("OTP_SMS_FALLBACK");
    if (fallback == null || fallback.isBlank()) {
      return first;
    }
    return new FallbackProvider(
        first,
        provider(fallback, "OTP_SMS_FALLBACK_HTTP_", "http-fallback", env, clock),
        CircuitSettings.fromEnv(env, "OTP_SMS_"),
        clock);
  }

  private static DeliveryProvider provider(
      String kind, String httpPrefix, String httpName, Map<String, String> env, Clock clock) {
    return switch (kind.strip().toLowerCase(Locale.ROOT)) {
      case "smpp" -> new SmppProvider(SmppSettings.fromEnv(env));
      case "http" -> new HttpSmsProvider(HttpSmsSettings.fromEnv(env, httpPrefix), httpName);
      case "outbox" -> OutboxProvider.fromEnv(env, "sms", clock);
      default ->
          throw new IllegalArgumentException(
              "unknown SMS provider '" + kind + "': use smpp, http or outbox");
    };
  }
}
