package io.otpstream.launcher.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.otpstream.launcher.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A settings file the backtest cannot use is refused before any replay, naming what is wrong. */
class BacktestOptionsTest {
  private static String refusal(String settings, String... more) throws Exception {
    Path file = Files.createTempFile("backtest", ".json");
    Files.writeString(file, settings);
    StringWriter err = new StringWriter();
    String[] args = new String[4 + more.length];
    args[0] = "replay";
    args[1] = "backtest";
    args[2] = "--settings";
    args[3] = file.toString();
    System.arraycopy(more, 0, args, 4, more.length);
    // no cluster: a refusal must come before anything connects
    int code =
        Main.commandLine(
                Map.of("KAFKA_BOOTSTRAP_SERVERS", "localhost:1"),
                new PrintWriter(new StringWriter()),
                new PrintWriter(err))
            .execute(args);
    assertEquals(2, code, err.toString());
    assertFalse(err.toString().contains("\tat "), err.toString());
    return err.toString();
  }

  @Test
  void a_misspelt_setting_is_named_in_the_refusal() throws Exception {
    assertTrue(
        refusal("{\"max_resend_per_session\": 1}")
            .contains("unknown field 'max_resend_per_session'"));
  }

  @Test
  void a_setting_out_of_range_is_refused_as_the_settings_api_refuses_it() throws Exception {
    assertTrue(
        refusal("{\"max_check_attempts\": 0}")
            .contains("max_check_attempts must be between 1 and 20 (got 0)"));
  }

  @Test
  void a_quota_cannot_be_backtested_and_the_reason_is_given() throws Exception {
    assertTrue(refusal("{\"quota\": 5}").contains("quota cannot be backtested"));
  }

  @Test
  void a_file_that_changes_nothing_or_is_not_json_is_refused() throws Exception {
    assertTrue(refusal("{\"version\": 3}").contains("name no field to change"));
    assertTrue(refusal("[1, 2]").contains("one JSON object"));
    assertTrue(refusal("{\"otp_length\": ").contains("not valid settings JSON"));
  }

  @Test
  void a_negative_price_per_message_is_refused() throws Exception {
    assertTrue(
        refusal("{\"otp_length\": 8}", "--price-per-message", "-1")
            .contains("--price-per-message must not be negative"));
  }
}
