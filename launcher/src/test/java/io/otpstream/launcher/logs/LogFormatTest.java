package io.otpstream.launcher.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class LogFormatTest {
  @Test
  void services_log_json_and_dev_logs_text_by_default() {
    assertEquals("json", LogFormat.of(new String[] {"api"}, Map.of()));
    assertEquals("json", LogFormat.of(new String[] {"dispatcher-email"}, Map.of()));
    assertEquals("json", LogFormat.of(new String[] {}, Map.of()));
    assertEquals("text", LogFormat.of(new String[] {"dev"}, Map.of()));
  }

  @Test
  void the_variable_switches_the_format_either_way() {
    assertEquals("text", LogFormat.of(new String[] {"api"}, Map.of("OTP_LOG_FORMAT", "TEXT")));
    assertEquals("json", LogFormat.of(new String[] {"dev"}, Map.of("OTP_LOG_FORMAT", " json ")));
  }

  @Test
  void a_wrong_format_is_refused_naming_the_variable_and_the_choices() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> LogFormat.of(new String[] {"api"}, Map.of("OTP_LOG_FORMAT", "xml")));
    assertTrue(e.getMessage().contains("OTP_LOG_FORMAT must be json or text"), e.getMessage());
  }
}
