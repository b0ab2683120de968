package io.otpstream.dispatcher.email;

import io.otpstream.common.settings.Env;
import java.util.List;
import java.util.Map;

/**
 * How to reach the SMTP server. From the environment: {@code SMTP_HOST}, {@code SMTP_PORT}, {@code
 * SMTP_STARTTLS} (true/false), {@code SMTP_USERNAME}, {@code SMTP_PASSWORD}, {@code SMTP_FROM}.
 */
public record SmtpSettings(
    String host, int port, boolean startTls, String username, String password, String from) {

  public static SmtpSettings fromEnv(Map<String, String> env) {
    return fromEnv(env, "SMTP_");
  }

  /** The same variables under another prefix, e.g. {@code SMTP_FALLBACK_} for a fallback server. */
  public static SmtpSettings fromEnv(Map<String, String> env, String prefix) {
    return new SmtpSettings(
        env.getOrDefault(prefix + "HOST", "localhost"),
        Env.integer(env, prefix + "PORT", 25, 1, 65535),
        Env.bool(env, prefix + "STARTTLS", false),
        env.get(prefix + "USERNAME"),
        env.get(prefix + "PASSWORD"),
        env.getOrDefault(prefix + "FROM", "otpstream <no-reply@localhost>"));
  }

  /** The variables {@link #fromEnv(Map, String)} reads under {@code prefix}. */
  public static List<String> variables(String prefix) {
    return List.of(
        prefix + "HOST",
        prefix + "PORT",
        prefix + "STARTTLS",
        prefix + "USERNAME",
        prefix + "PASSWORD",
        prefix + "FROM");
  }

  @Override
  public String toString() {
    return "SmtpSettings["
        + host
        + ":"
        + port
        + ", starttls="
        + startTls
        + ", user="
        + username
        + "]";
  }
}
