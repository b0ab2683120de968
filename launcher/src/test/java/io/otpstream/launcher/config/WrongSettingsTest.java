package io.otpstream.launcher.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.otpstream.common.secret.Secrets;
import io.otpstream.launcher.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Each service, started in-process with one wrong setting, refuses at once: exit code 2, one line
 * naming the variable and what it accepts, no stack trace, no secret. (All of these fail before the
 * service looks for Kafka; the reply partition, checked against the cluster, is tested in e2e.)
 */
class WrongSettingsTest {
  private static final String SECRET = Secrets.generate();

  record Run(int exit, String out, String err) {}

  static Run run(Map<String, String> env, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Map<String, String> all = new HashMap<>(Map.of("OTP_SECRET", SECRET));
    all.putAll(env);
    all.values().removeIf(v -> v == null);
    int exit =
        Main.commandLine(all, new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  private static void refused(Run r, String variable, String accepted) {
    assertEquals(StartupFailures.WRONG_SETTING, r.exit(), r.err());
    assertTrue(r.err().contains(variable), r.err());
    assertTrue(r.err().contains(accepted), r.err());
    assertFalse(r.err().contains("Exception"), r.err());
    assertFalse(r.err().contains("\tat "), r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
  }

  @Test
  void the_api_refuses_a_port_that_is_not_a_number() {
    Run r = run(Map.of("OTP_HTTP_PORT", "80a"), "api");
    refused(r, "OTP_HTTP_PORT", "an integer from 0 to 65535");
    assertTrue(r.err().contains("'80a'"), r.err());
  }

  @Test
  void the_api_refuses_yes_for_trust_forwarded_for_instead_of_reading_false() {
    refused(
        run(Map.of("OTP_TRUST_FORWARDED_FOR", "yes"), "api"),
        "OTP_TRUST_FORWARDED_FOR",
        "true or false");
  }

  @Test
  void the_api_refuses_a_drain_period_that_is_not_a_number_of_milliseconds() {
    refused(run(Map.of("OTP_DRAIN_MS", "soon"), "api"), "OTP_DRAIN_MS", "from 0 to 600000");
  }

  @Test
  void every_service_refuses_a_stop_timeout_out_of_range() {
    for (String command :
        new String[] {
          "api", "processor", "dispatcher-sms", "dispatcher-email", "dispatcher-webhook"
        }) {
      refused(
          run(Map.of("OTP_STOP_TIMEOUT_MS", "-1"), command),
          "OTP_STOP_TIMEOUT_MS",
          "from 0 to 600000");
    }
  }

  @Test
  void the_api_refuses_a_negative_reply_partition() {
    refused(run(Map.of("OTP_REPLY_PARTITION", "-1"), "api"), "OTP_REPLY_PARTITION", "at least 0");
  }

  @Test
  void the_api_refuses_an_ipv6_prefix_out_of_range() {
    refused(
        run(Map.of("OTP_IPV6_PREFIX_LENGTH", "16"), "api"),
        "OTP_IPV6_PREFIX_LENGTH",
        "from 32 to 128");
  }

  @Test
  void a_wrong_option_on_the_command_line_names_its_variable_too() {
    refused(run(Map.of(), "api", "--http-port=99999"), "OTP_HTTP_PORT", "from 0 to 65535");
  }

  @Test
  void the_processor_refuses_a_health_port_out_of_range() {
    refused(
        run(Map.of("OTP_HEALTH_PORT", "70000"), "processor"), "OTP_HEALTH_PORT", "from 0 to 65535");
  }

  @Test
  void the_processor_refuses_a_commit_interval_of_zero() {
    refused(
        run(Map.of("OTP_COMMIT_INTERVAL_MS", "0"), "processor"),
        "OTP_COMMIT_INTERVAL_MS",
        "from 1 to 60000");
  }

  @Test
  void the_processor_refuses_seventeen_stream_threads() {
    refused(
        run(Map.of("OTP_STREAM_THREADS", "17"), "processor"), "OTP_STREAM_THREADS", "from 1 to 16");
  }

  @Test
  void the_sms_dispatcher_refuses_zero_messages_in_flight() {
    refused(
        run(
            Map.of(
                "OTP_SMS_MAX_IN_FLIGHT", "0", "OTP_SMS_PROVIDER", "outbox", "OTP_OUTBOX_FILE", "x"),
            "dispatcher-sms"),
        "OTP_SMS_MAX_IN_FLIGHT",
        "at least 1");
  }

  @Test
  void the_sms_dispatcher_refuses_an_unknown_provider() {
    refused(
        run(Map.of("OTP_SMS_PROVIDER", "pigeon"), "dispatcher-sms"),
        "OTP_SMS_PROVIDER",
        "smpp, http or outbox");
  }

  @Test
  void the_webhook_settings_refuse_yes_and_a_zero_attempt_count() {
    for (String command : new String[] {"api", "dispatcher-webhook"}) {
      refused(
          run(Map.of("OTP_WEBHOOK_ALLOW_PRIVATE", "yes"), command),
          "OTP_WEBHOOK_ALLOW_PRIVATE",
          "true or false");
    }
    refused(
        run(Map.of("OTP_WEBHOOK_MAX_ATTEMPTS", "0"), "dispatcher-webhook"),
        "OTP_WEBHOOK_MAX_ATTEMPTS",
        "at least 1");
  }

  @Test
  void the_email_dispatcher_refuses_yes_for_starttls() {
    refused(
        run(Map.of("SMTP_HOST", "mail.example.com", "SMTP_STARTTLS", "yes"), "dispatcher-email"),
        "SMTP_STARTTLS",
        "true or false");
  }

  @Test
  void the_email_dispatcher_refuses_a_port_that_is_not_a_number() {
    refused(
        run(Map.of("SMTP_HOST", "mail.example.com", "SMTP_PORT", "smtp"), "dispatcher-email"),
        "SMTP_PORT",
        "an integer from 1 to 65535");
  }

  @Test
  void every_service_refuses_a_misspelt_kafka_setting() {
    for (String service :
        new String[] {
          "api", "processor", "dispatcher-sms", "dispatcher-email", "dispatcher-webhook"
        }) {
      refused(
          run(Map.of("KAFKA_SECURITY_PROTOKOL", "SSL"), service),
          "KAFKA_SECURITY_PROTOKOL",
          "not a Kafka client setting");
    }
  }

  @Test
  void a_wrong_kafka_value_is_refused_without_showing_any_secret() {
    Run r =
        run(
            Map.of(
                "KAFKA_SECURITY_PROTOCOL",
                "TLS",
                "KAFKA_SASL_JAAS_CONFIG",
                "org.apache.kafka.common.security.plain.PlainLoginModule required"
                    + " username=\"otp\" password=\"hunter2-secret\";"),
            "processor");
    refused(r, "KAFKA_SECURITY_PROTOCOL", "SASL_SSL");
    assertFalse(r.err().contains("hunter2"), r.err());
  }

  @Test
  void a_service_without_its_secret_names_the_variable() {
    Map<String, String> env = new HashMap<>();
    env.put("OTP_SECRET", null);
    refused(run(env, "dispatcher-email"), "OTP_SECRET", "base64");
  }

  @Test
  void a_malformed_secret_is_refused_without_being_echoed() {
    Run r = run(Map.of("OTP_SECRET", "not*base64*hunter2"), "api");
    refused(r, "OTP_SECRET", "base64");
    assertFalse(r.err().contains("hunter2"), r.err());
  }

  @Test
  void an_unreadable_kafka_config_file_is_refused_naming_the_variable() {
    refused(
        run(Map.of("OTP_KAFKA_CONFIG_FILE", "/nonexistent/kafka.properties"), "api"),
        "OTP_KAFKA_CONFIG_FILE",
        "cannot read");
  }
}
