package io.otpstream.dispatcher.email;

import java.util.Map;

/**
 * How to reach the SMTP server. From the environment: {@code SMTP_HOST}, {@code SMTP_PORT},
 * {@code SMTP_STARTTLS} (true/false), {@code SMTP_USERNAME}, {@code SMTP_PASSWORD}, {@code SMTP_FROM}.
 */
public record SmtpSettings(String host, int port, boolean startTls, String username, String password, String from) {

  public static SmtpSettings fromEnv(Map<String, String> env) {
    return new SmtpSettings(env.getOrDefault("SMTP_HOST", "localhost"),
        Integer.parseInt(env.getOrDefault("SMTP_PORT", "25")),
        Boolean.parseBoolean(env.getOrDefault("SMTP_STARTTLS", "false")),
        env.get("SMTP_USERNAME"), env.get("SMTP_PASSWORD"),
        env.getOrDefault("SMTP_FROM", "otpstream <no-reply@localhost>"));
  }

  @Override
  public String toString() {
    return "SmtpSettings[" + host + ":" + port + ", starttls=" + startTls + ", user=" + username + "]";
  }
}
