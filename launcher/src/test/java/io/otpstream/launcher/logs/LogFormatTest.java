package io.otpstream.launcher.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.ConsoleAppender;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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

  @Test
  void the_tools_log_to_standard_error_so_that_their_output_is_only_their_result() {
    for (String tool : new String[] {"admin", "audit", "replay"}) {
      assertEquals("System.err", LogFormat.target(new String[] {tool, "x"}), tool);
    }
    for (String service : new String[] {"api", "processor", "dispatcher-sms", "dev"}) {
      assertEquals("System.out", LogFormat.target(new String[] {service}), service);
    }
    assertEquals("System.out", LogFormat.target(new String[] {}));
  }

  @Test
  void logback_writes_to_the_target_it_was_configured_for() {
    try {
      LogFormat.use("json", "System.err");
      assertEquals("System.err", consoleTarget());
      LogFormat.use("json", "System.out");
      assertEquals("System.out", consoleTarget());
    } finally {
      LogFormat.use("text");
    }
  }

  private static String consoleTarget() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    ConsoleAppender<?> out =
        (ConsoleAppender<?>) context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("OUT");
    return out.getTarget();
  }
}
