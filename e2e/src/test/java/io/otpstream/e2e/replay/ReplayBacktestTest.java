package io.otpstream.e2e.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.otpstream.common.json.Json;
import io.otpstream.common.outbox.Outbox;
import io.otpstream.e2e.support.Http;
import io.otpstream.e2e.support.SharedKafka;
import io.otpstream.e2e.support.TestPipeline;
import io.otpstream.launcher.Main;
import io.otpstream.schemas.apps.AppSettings;
import io.otpstream.schemas.rules.RuleNames;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code otpstream replay backtest}, run as an operator runs it, over a scenario recorded through
 * the real pipeline under at most 3 resends per session: five live sessions resent 0, 1, 2, 3 and 4
 * times (the fourth resend refused), and a sandbox session checked with two wrong codes then the
 * right one. Backtested with at most 1 resend and 2 check attempts, the numbers are known exactly:
 * resends accepted 0+1+1+1+1 instead of 0+1+2+3+3, so 5 more refusals of max_resends_per_session (6
 * instead of 1) and 5 text messages not sent; and the checked session locks at its second wrong
 * code.
 */
class ReplayBacktestTest {
  private static final Pattern RULE_ROW =
      Pattern.compile(
          "(?m)^" + RuleNames.RESENDS_PER_SESSION + "\\s+(\\d+)\\s+(\\d+)\\s+([+-]\\d+)$");

  private static TestPipeline pipeline;
  private static String lockedSession;
  private static final List<String> resentSessions = new ArrayList<>();

  @BeforeAll
  static void record() throws Exception {
    Outbox outbox = TestPipeline.newOutbox();
    pipeline =
        TestPipeline.start(
            "backtest",
            outbox,
            s ->
                AppSettings.newBuilder(s)
                    .setVersion(1)
                    .setResendCooldownSeconds(0)
                    .setMaxResendsPerSession(3)
                    .build());
    Http http = new Http(pipeline.baseUrl());
    for (int resends = 0; resends <= 4; resends++) {
      String ip = "10.9.0." + (resends + 1);
      JsonNode sent =
          post(http, pipeline.liveKey, ip, "/api/v1/otp/send", sms("+1415555040" + resends), 200);
      String token = sent.get("data").get("session_token").asText();
      resentSessions.add(sent.get("data").get("session_id").asText());
      for (int i = 1; i <= resends; i++) {
        post(http, pipeline.liveKey, ip, "/api/v1/otp/resend", token(token), i <= 3 ? 200 : 429);
      }
    }
    JsonNode sandbox =
        post(http, pipeline.testKey, "10.9.1.1", "/api/v1/otp/send", sms("+14155550499"), 200);
    String token = sandbox.get("data").get("session_token").asText();
    lockedSession = sandbox.get("data").get("session_id").asText();
    String code = sandbox.get("data").get("otps").get("sms").asText();
    String wrong = code.equals("000000") ? "111111" : "000000";
    for (String c : List.of(wrong, wrong, code)) {
      post(http, pipeline.testKey, "10.9.1.1", "/api/v1/otp/verify", check(token, c), 200);
    }
    ReplayTest.awaitSettled(pipeline.kafka.topics(), pipeline.applicationId);
    pipeline.close();
  }

  @Test
  void a_stricter_resend_limit_shows_each_extra_refusal_and_each_message_not_sent()
      throws Exception {
    Run run =
        backtest(
            "{\"max_resends_per_session\": 1, \"max_check_attempts\": 2}",
            "--price-per-message",
            "0.05",
            "--currency",
            "USD");

    assertEquals(0, run.exit(), run.out() + run.err());
    Matcher row = RULE_ROW.matcher(run.out());
    assertTrue(row.find(), run.out());
    assertEquals(List.of("1", "6", "+5"), List.of(row.group(1), row.group(2), row.group(3)));
    assertTrue(
        run.out()
            .contains(
                "messages: 14 recorded, 9 in the backtest: 5 would not have been sent"
                    + " {sms=5}, 0 more would have been"),
        run.out());
    assertTrue(run.out().contains("cost of the messages not sent: 0.25 USD at 0.05"), run.out());
    assertTrue(
        run.out().contains("sessions that would have locked: 1, that would not have: 0"),
        run.out());
    assertTrue(run.out().contains("locked: " + lockedSession), run.out());
    // 5 resends refused, and the right code, which finds the session locked
    assertTrue(run.out().contains("decisions changed: 6 commands"), run.out());
    assertFalse(run.out().contains("session " + resentSessions.get(0)), "no resend, no change");
    ReplayVerifyTest.assertNothingLeft(
        new ReplayVerifyTest.Recorded(
            pipeline.kafka.topics(), pipeline.kafka.topicPrefix(), pipeline.secretBase64));
  }

  @Test
  void settings_for_another_app_change_nothing_of_this_one() throws Exception {
    Run run = backtest("{\"max_resends_per_session\": 0}", "--app", "another-app", "--json");

    assertEquals(0, run.exit(), run.out() + run.err());
    JsonNode report = Json.MAPPER.readTree(run.out());
    assertEquals(0, report.get("decisions_changed").asInt(), run.out());
    assertEquals(14, report.get("messages").get("recorded").asInt(), run.out());
    assertEquals(0, report.get("messages").get("not_sent").asInt(), run.out());
    JsonNode rule = report.get("refusals").get(RuleNames.RESENDS_PER_SESSION);
    assertEquals(1, rule.get("recorded").asInt(), run.out());
    assertEquals(1, rule.get("backtest").asInt(), run.out());
    assertTrue(report.get("commands").asInt() >= 18, run.out());
  }

  record Run(int exit, String out, String err) {}

  private static Run backtest(String settings, String... more) throws Exception {
    Path file = Files.createTempFile("backtest", ".json");
    Files.writeString(file, settings);
    List<String> args =
        new ArrayList<>(List.of("replay", "backtest", "--settings", file.toString()));
    args.addAll(List.of(more));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit =
        Main.commandLine(
                Map.of(
                    "KAFKA_BOOTSTRAP_SERVERS", SharedKafka.bootstrapServers(),
                    "OTP_TOPIC_PREFIX", pipeline.kafka.topicPrefix(),
                    "OTP_SECRET", pipeline.secretBase64),
                new PrintWriter(out, true),
                new PrintWriter(err, true))
            .execute(args.toArray(String[]::new));
    assertFalse(err.toString().contains("\tat "), err.toString());
    System.out.print(err + out.toString()); // the report, in the test's output
    return new Run(exit, out.toString(), err.toString());
  }

  private static JsonNode post(
      Http http, String key, String ip, String path, String body, int status) {
    Map<String, String> h = new LinkedHashMap<>();
    h.put("X-API-Key", key);
    h.put("X-Forwarded-For", ip);
    Http.Response r = http.post(path, h, body);
    assertEquals(status, r.status(), path + " " + body + ": " + r.raw());
    return r.json();
  }

  private static String sms(String phone) {
    return "{\"channels\": [\"sms\"], \"recipients\": {\"sms\": \"" + phone + "\"}}";
  }

  private static String token(String token) {
    return "{\"session_token\": \"" + token + "\"}";
  }

  private static String check(String token, String code) {
    return "{\"session_token\": \"" + token + "\", \"otps\": {\"sms\": \"" + code + "\"}}";
  }
}
