package io.otpstream.dispatcher.sms.smpp;

import io.otpstream.common.settings.Env;
import java.util.List;
import java.util.Map;

/**
 * How to reach the SMSC over SMPP 3.4. From the environment: {@code OTP_SMPP_HOST} and {@code
 * OTP_SMPP_SYSTEM_ID} (both required), {@code OTP_SMPP_PORT} (2775), {@code OTP_SMPP_PASSWORD}
 * (""), {@code OTP_SMPP_SYSTEM_TYPE} (""), {@code OTP_SMPP_SOURCE_ADDR} (the sender when a message
 * names none; unset leaves it to the SMSC), {@code OTP_SMPP_ENQUIRE_LINK_MS} (30000), {@code
 * OTP_SMPP_TIMEOUT_MS} (5000: connect, bind and every response), {@code OTP_SMPP_RECONNECT_MIN_MS}
 * (1000) and {@code OTP_SMPP_RECONNECT_MAX_MS} (30000), the backoff between bind attempts after the
 * session is lost.
 */
public record SmppSettings(
    String host,
    int port,
    String systemId,
    String password,
    String systemType,
    String sourceAddr,
    int enquireLinkMs,
    int timeoutMs,
    int reconnectMinMs,
    int reconnectMaxMs) {

  public SmppSettings {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("SMPP host is required");
    }
    if (systemId == null || systemId.isBlank()) {
      throw new IllegalArgumentException("SMPP system id is required");
    }
    password = password == null ? "" : password;
    systemType = systemType == null ? "" : systemType;
    sourceAddr = sourceAddr == null || sourceAddr.isBlank() ? null : sourceAddr.strip();
    if (port <= 0
        || port > 65535
        || enquireLinkMs <= 0
        || timeoutMs <= 0
        || reconnectMinMs <= 0
        || reconnectMaxMs < reconnectMinMs) {
      throw new IllegalArgumentException(
          "invalid SMPP settings: port "
              + port
              + ", enquire link "
              + enquireLinkMs
              + " ms, timeout "
              + timeoutMs
              + " ms, reconnect "
              + reconnectMinMs
              + ".."
              + reconnectMaxMs
              + " ms");
    }
  }

  /** The variables {@link #fromEnv} reads. */
  public static final List<String> VARIABLES =
      List.of(
          "OTP_SMPP_HOST",
          "OTP_SMPP_PORT",
          "OTP_SMPP_SYSTEM_ID",
          "OTP_SMPP_PASSWORD",
          "OTP_SMPP_SYSTEM_TYPE",
          "OTP_SMPP_SOURCE_ADDR",
          "OTP_SMPP_ENQUIRE_LINK_MS",
          "OTP_SMPP_TIMEOUT_MS",
          "OTP_SMPP_RECONNECT_MIN_MS",
          "OTP_SMPP_RECONNECT_MAX_MS");

  public static SmppSettings fromEnv(Map<String, String> env) {
    int max = Integer.MAX_VALUE;
    int reconnectMin = Env.integer(env, "OTP_SMPP_RECONNECT_MIN_MS", 1_000, 1, max);
    return new SmppSettings(
        Env.required(env, "OTP_SMPP_HOST", "the SMSC's host name"),
        Env.integer(env, "OTP_SMPP_PORT", 2775, 1, 65535),
        Env.required(env, "OTP_SMPP_SYSTEM_ID", "the system id to bind with"),
        env.getOrDefault("OTP_SMPP_PASSWORD", ""),
        env.getOrDefault("OTP_SMPP_SYSTEM_TYPE", ""),
        env.get("OTP_SMPP_SOURCE_ADDR"),
        Env.integer(env, "OTP_SMPP_ENQUIRE_LINK_MS", 30_000, 1, max),
        Env.integer(env, "OTP_SMPP_TIMEOUT_MS", 5_000, 1, max),
        reconnectMin,
        Env.integer(
            env, "OTP_SMPP_RECONNECT_MAX_MS", Math.max(30_000, reconnectMin), reconnectMin, max));
  }

  @Override
  public String toString() {
    return "SmppSettings["
        + host
        + ":"
        + port
        + ", systemId="
        + systemId
        + ", systemType="
        + systemType
        + ", sourceAddr="
        + sourceAddr
        + ", enquireLinkMs="
        + enquireLinkMs
        + ", timeoutMs="
        + timeoutMs
        + ", reconnect="
        + reconnectMinMs
        + ".."
        + reconnectMaxMs
        + "ms]";
  }
}
