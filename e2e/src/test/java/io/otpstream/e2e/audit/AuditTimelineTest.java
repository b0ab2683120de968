package io.otpstream.e2e.audit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.otpstream.common.json.Json;
import io.otpstream.common.outbox.Outbox;
import io.otpstream.common.outbox.OutboxMessage;
import io.otpstream.dispatcher.provider.DeliveryException;
import io.otpstream.dispatcher.provider.DeliveryProvider;
import io.otpstream.dispatcher.provider.OutboxProvider;
import io.otpstream.dispatcher.provider.OutgoingMessage;
import io.otpstream.dispatcher.provider.Sent;
import io.otpstream.e2e.support.Http;
import io.otpstream.e2e.support.SharedKafka;
import io.otpstream.e2e.support.TestPipeline;
import io.otpstream.launcher.Main;
import io.otpstream.schemas.apps.AppSettings;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code otpstream audit} on a real pipeline: a session whose email delivery fails for good, with a
 * resend, a wrong code and the right one. Its timeline, read back by session, by phone number (the
 * keyed hash, never the number in the log) and by app, shows each step with its rule checks,
 * settings version and delivery provider and status, in order.
 */
class AuditTimelineTest {
  private static final String PHONE = "+14155550420";
  private static final String EMAIL = "audit@example.com";
  private static final Pattern CODE = Pattern.compile("(\\d{6})");

  /** Result of one in-process run of the command line. */
  private record Run(int code, List<String> out, String err) {}

  @Test
  void the_audit_prints_a_sessions_timeline_by_session_by_phone_and_by_app() throws Exception {
    Outbox outbox = TestPipeline.newOutbox();
    Instant before = Instant.now();
    try (TestPipeline pipeline =
        TestPipeline.start(
            "audit",
            new OutboxProvider(outbox, "sms", Clock.systemUTC()),
            new RefusingMail(),
            s ->
                AppSettings.newBuilder(s)
                    .setVersion(7)
                    .setResendCooldownSeconds(0)
                    .setMaxResendsPerSession(1)
                    .build())) {
      Http http = new Http(pipeline.baseUrl());
      Map<String, String> h = Map.of("X-API-Key", pipeline.liveKey, "X-Forwarded-For", "10.9.0.1");
      Http.Response sent =
          http.post(
              "/api/v1/otp/send",
              h,
              "{\"channels\": [\"sms\", \"email\"], \"recipients\": {\"sms\": \""
                  + PHONE
                  + "\", \"email\": \""
                  + EMAIL
                  + "\"}}");
      assertEquals(200, sent.status(), sent.raw());
      String session = sent.json().get("data").get("session_id").asText();
      String token = sent.json().get("data").get("session_token").asText();
      code(outbox, session, 1);
      Http.Response resent =
          http.post("/api/v1/otp/resend", h, "{\"session_token\": \"" + token + "\"}");
      assertEquals(200, resent.status(), resent.raw());
      String code = code(outbox, session, 2);
      Map<String, String> env =
          Map.of(
              "KAFKA_BOOTSTRAP_SERVERS", SharedKafka.bootstrapServers(),
              "OTP_TOPIC_PREFIX", pipeline.kafka.topicPrefix(),
              "OTP_SECRET", pipeline.secretBase64);
      // the dispatchers' statuses reach the log a moment after the answers: wait for the
      // resend's, so that what follows comes after them in time
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> json(run(env, "audit", "session", session, "--json")).size() == 6);
      Http.Response refused =
          http.post("/api/v1/otp/resend", h, "{\"session_token\": \"" + token + "\"}");
      assertEquals(429, refused.status(), "one resend per session: " + refused.raw());
      String wrong = code.equals("000000") ? "111111" : "000000";
      assertFalse(verify(http, h, token, wrong).get("data").get("verified").asBoolean());
      assertTrue(verify(http, h, token, code).get("data").get("verified").asBoolean());

      List<String> expected =
          List.of(
              "SESSION_STARTED",
              "sms SENT via outbox",
              "email DEAD_LETTERED via refusing-smtp",
              "RESENT",
              "sms SENT via outbox",
              "email DEAD_LETTERED via refusing-smtp",
              "LIMIT_EXCEEDED",
              "CHECK_FAILED",
              "VERIFIED");
      List<JsonNode> events =
          await()
              .atMost(Duration.ofSeconds(30))
              .until(
                  () -> json(run(env, "audit", "session", session, "--json")),
                  l ->
                      l.size() >= expected.size() && steps(l).get(l.size() - 1).equals("VERIFIED"));
      assertEquals(expected.size(), events.size(), events.toString());
      List<String> steps = steps(events);
      // two statuses of one generation may come in either order; each generation's pair is there
      assertEquals(expected.get(0), steps.get(0));
      assertEquals(
          sortedPair(expected, 1), sortedPair(steps, 1), "first sends' statuses: " + steps);
      assertEquals(expected.get(3), steps.get(3));
      assertEquals(sortedPair(expected, 4), sortedPair(steps, 4), "resends' statuses: " + steps);
      assertEquals(expected.subList(6, 9), steps.subList(6, 9));

      JsonNode overLimit = events.get(6);
      assertEquals("RATE_LIMITED", overLimit.get("outcome").asText());
      assertEquals("max_resends_per_session", overLimit.get("rule").asText(), overLimit.toString());
      assertEquals(1, overLimit.get("count").asLong(), "the resends made: " + overLimit);
      assertEquals(1, overLimit.get("limit").asLong(), overLimit.toString());
      JsonNode started = events.get(0);
      assertEquals(7, started.get("settings_version").asLong());
      assertEquals(session, started.get("session_id").asText());
      List<String> rules = new ArrayList<>();
      started.get("checks").forEach(c -> rules.add(c.get("rule").asText()));
      assertFalse(rules.isEmpty(), "the rules the send was checked against: " + started);
      JsonNode wrongCode = events.get(7);
      assertEquals("WRONG_CODE", wrongCode.get("outcome").asText());
      assertEquals(1, wrongCode.get("generation").asInt(), "checked against the resent code");

      Run table = run(env, "audit", "session", session);
      assertEquals(0, table.code(), table.err());
      assertEquals(expected.size() + 1, table.out().size(), String.join("\n", table.out()));
      assertTrue(table.out().get(0).matches("TIME \\(UTC\\) +EVENT +OUTCOME +SESSION .*"));
      assertTrue(table.out().get(1).contains("SESSION_STARTED  STARTED"), table.out().get(1));
      assertTrue(table.out().get(1).contains(" v7 "), table.out().get(1));
      assertTrue(
          table.out().stream().anyMatch(l -> l.contains("CHECK_FAILED     WRONG_CODE")),
          String.join("\n", table.out()));
      assertTrue(
          table.out().stream()
              .anyMatch(l -> l.contains("email DEAD_LETTERED via refusing-smtp (attempt 1)")));
      assertTrue(
          table.out().stream()
              .anyMatch(
                  l ->
                      l.matches(
                          ".*LIMIT_EXCEEDED +RATE_LIMITED .* max_resends_per_session +1/1 .*")),
          String.join("\n", table.out()));
      assertTrue(table.err().contains("9 events of session " + session), table.err());

      Run byPhone = run(env, "audit", "subject", PHONE, "--app", pipeline.appId);
      assertEquals(table.out(), byPhone.out(), "the subject's only session, found by its phone");
      assertTrue(
          byPhone.out().stream()
              .noneMatch(l -> l.contains(PHONE.substring(1)) || l.contains(EMAIL)),
          "no phone number or email in the timeline");
      Run byIp = run(env, "audit", "ip", "10.9.0.1", "--app", pipeline.appId, "--json");
      assertEquals(
          List.of("SESSION_STARTED", "RESENT", "LIMIT_EXCEEDED", "CHECK_FAILED", "VERIFIED"),
          steps(json(byIp)),
          "the requests from that address (the deliveries come from the dispatcher)");

      Run app = run(env, "audit", "app", pipeline.appId, "--since", before.toString(), "--json");
      assertEquals(steps(events), steps(json(app)), "the app's only session");
      Run earlier =
          run(env, "audit", "app", pipeline.appId, "--until", before.toString(), "--json");
      assertEquals(List.of(), earlier.out(), "nothing before the scenario");
      assertEquals(List.of(), run(env, "audit", "app", "app-none", "--json").out());
    }
  }

  private static Run run(Map<String, String> env, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.commandLine(env, new PrintWriter(out), new PrintWriter(err)).execute(args);
    List<String> lines =
        out.toString().isEmpty() ? List.of() : Arrays.asList(out.toString().split("\n"));
    return new Run(code, lines, err.toString());
  }

  private static List<JsonNode> json(Run run) throws Exception {
    assertEquals(0, run.code(), run.err());
    List<JsonNode> nodes = new ArrayList<>();
    for (String line : run.out()) {
      nodes.add(Json.MAPPER.readTree(line));
    }
    return nodes;
  }

  /** Each event as the step it shows: its type, or for a delivery what became of it. */
  private static List<String> steps(List<JsonNode> events) {
    return events.stream()
        .map(
            e ->
                e.get("type").asText().equals("DELIVERY_STATUS")
                    ? e.get("detail").asText().replaceFirst(" \\(attempt.*", "")
                    : e.get("type").asText())
        .toList();
  }

  private static List<String> sortedPair(List<String> steps, int from) {
    return steps.subList(from, from + 2).stream().sorted().toList();
  }

  private static JsonNode verify(Http http, Map<String, String> h, String token, String code) {
    Http.Response r =
        http.post(
            "/api/v1/otp/verify",
            h,
            "{\"session_token\": \"" + token + "\", \"otps\": {\"sms\": \"" + code + "\"}}");
    assertEquals(200, r.status(), r.raw());
    return r.json();
  }

  /** The code of the newest of at least {@code count} text messages of {@code session}. */
  private static String code(Outbox outbox, String session, int count) {
    List<OutboxMessage> messages =
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () -> outbox.list().stream().filter(m -> m.sessionId().equals(session)).toList(),
                l -> l.size() >= count);
    Matcher m = CODE.matcher(messages.get(0).body());
    assertTrue(m.find(), messages.get(0).body());
    return m.group(1);
  }

  /** A mail provider that refuses every message for good: each email is dead-lettered. */
  private static final class RefusingMail implements DeliveryProvider {
    @Override
    public String name() {
      return "refusing-smtp";
    }

    @Override
    public Sent send(OutgoingMessage message) throws DeliveryException {
      throw new DeliveryException("550 mailbox unavailable", true, null);
    }
  }
}
