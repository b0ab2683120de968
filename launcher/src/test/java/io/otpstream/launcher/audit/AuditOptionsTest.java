package io.otpstream.launcher.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.otpstream.launcher.Main;
import io.otpstream.launcher.config.Variables;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AuditOptionsTest {
  @Test
  void audit_options_take_nothing_from_the_environment() {
    StringWriter err = new StringWriter();
    // OTP_APP would otherwise stand in for the missing --app
    int code =
        Main.commandLine(
                Map.of("OTP_APP", "app-1", "OTP_JSON", "true"),
                new PrintWriter(new StringWriter()),
                new PrintWriter(err))
            .execute("audit", "subject", "sub_x");
    assertEquals(2, code, err.toString());
    assertTrue(err.toString().contains("--app"), err.toString());
  }

  @Test
  void a_phone_that_does_not_parse_is_a_clear_error_without_a_lookup() {
    StringWriter err = new StringWriter();
    int code =
        Main.commandLine(Map.of(), new PrintWriter(new StringWriter()), new PrintWriter(err))
            .execute("audit", "subject", "--app", "app-1", "not-a-phone");
    assertEquals(2, code, err.toString());
    assertTrue(err.toString().contains("neither a phone number"), err.toString());
  }

  @Test
  void a_phone_lookup_without_the_secret_names_the_variable() {
    StringWriter err = new StringWriter();
    int code =
        Main.commandLine(Map.of(), new PrintWriter(new StringWriter()), new PrintWriter(err))
            .execute("audit", "subject", "--app", "app-1", "+14155550123");
    assertEquals(2, code, err.toString());
    assertTrue(err.toString().contains("OTP_SECRET"), err.toString());
  }

  @Test
  void the_audit_reads_the_kafka_settings_and_the_secret() {
    var all = Variables.all();
    for (String v : new String[] {"KAFKA_BOOTSTRAP_SERVERS", "OTP_TOPIC_PREFIX", "OTP_SECRET"}) {
      assertTrue(all.get(v).contains("audit"), v + " " + all.get(v));
    }
    assertTrue(all.keySet().stream().noneMatch(v -> v.equals("OTP_APP") || v.equals("OTP_JSON")));
  }
}
