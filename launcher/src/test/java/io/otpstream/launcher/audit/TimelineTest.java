package io.otpstream.launcher.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.otpstream.common.json.Json;
import io.otpstream.schemas.audit.AuditEvent;
import io.otpstream.schemas.audit.AuditType;
import io.otpstream.schemas.decision.Outcome;
import io.otpstream.schemas.limits.RuleCheck;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class TimelineTest {
  private static final Instant T0 = Instant.parse("2026-12-01T09:30:00Z");

  private static AuditEvent.Builder event(AuditType type, Outcome outcome, long atMillis) {
    return AuditEvent.newBuilder()
        .setType(type)
        .setOutcome(outcome)
        .setOccurredAt(T0.plusMillis(atMillis))
        .setAppId("app-1")
        .setSubjectId("sub_a")
        .setSessionId("ses_1")
        .setGeneration(1)
        .setSettingsVersion(3);
  }

  private static final AuditEvent STARTED =
      event(AuditType.SESSION_STARTED, Outcome.STARTED, 0)
          .setClientIp("ip_x")
          .setChecks(
              List.of(
                  new RuleCheck("sends_per_ip", "ipk_x", 1L, 3L),
                  new RuleCheck("sends_per_subject", "sub_a", 1L, 2L)))
          .build();
  private static final AuditEvent FAILED =
      event(AuditType.DELIVERY_STATUS, Outcome.UNKNOWN, 40)
          .setDetail("email FAILED via smtp (attempt 1): mailbox unavailable")
          .build();
  private static final AuditEvent REFUSED =
      event(AuditType.LIMIT_EXCEEDED, Outcome.RATE_LIMITED, 90)
          .setGeneration(2)
          .setRule("max_resends_per_session")
          .setCount(3L)
          .setLimit(2L)
          .build();

  @Test
  void the_table_lists_events_in_time_order_with_rule_counts_and_settings_version() {
    List<String> lines = Timeline.table(Timeline.sorted(List.of(REFUSED, FAILED, STARTED)));
    assertEquals(4, lines.size(), String.join("\n", lines));
    assertTrue(lines.get(0).matches("TIME \\(UTC\\) +EVENT +OUTCOME .*"), lines.get(0));
    assertFalse(lines.get(0).contains("SUBJECT"), "one subject: no subject column");
    assertTrue(lines.get(1).startsWith("2026-12-01 09:30:00.000  SESSION_STARTED  STARTED"));
    assertTrue(
        lines.get(1).endsWith("checks: sends_per_ip 1/3, sends_per_subject 1/2"), lines.get(1));
    assertTrue(lines.get(1).contains("ip_x"));
    assertTrue(lines.get(2).contains("DELIVERY_STATUS  -"), lines.get(2));
    assertTrue(lines.get(2).endsWith("email FAILED via smtp (attempt 1): mailbox unavailable"));
    assertTrue(lines.get(3).contains("max_resends_per_session  3/2"), lines.get(3));
    assertTrue(lines.get(3).contains(" v3 "), lines.get(3));
    int column = lines.get(0).indexOf("OUTCOME");
    for (String line : lines.subList(1, 4)) {
      assertEquals(' ', line.charAt(column - 1), "columns line up: " + line);
    }
  }

  @Test
  void a_timeline_of_several_subjects_gets_a_subject_column() {
    AuditEvent other = AuditEvent.newBuilder(STARTED).setSubjectId("sub_b").build();
    List<String> lines = Timeline.table(List.of(STARTED, other));
    assertTrue(lines.get(0).contains("SUBJECT"), lines.get(0));
    assertTrue(lines.get(2).contains("sub_b"), lines.get(2));
  }

  @Test
  void each_json_line_holds_every_field_with_nulls_and_the_checks() throws Exception {
    JsonNode started = Json.MAPPER.readTree(Timeline.json(STARTED));
    assertEquals("2026-12-01T09:30:00Z", started.get("occurred_at").asText());
    assertEquals("SESSION_STARTED", started.get("type").asText());
    assertEquals(3, started.get("settings_version").asLong());
    assertTrue(started.get("rule").isNull(), "a null field is there, as null");
    assertEquals("sends_per_subject", started.get("checks").get(1).get("rule").asText());
    assertEquals(2, started.get("checks").get(1).get("limit").asLong());
    JsonNode refused = Json.MAPPER.readTree(Timeline.json(REFUSED));
    assertEquals("max_resends_per_session", refused.get("rule").asText());
    assertEquals(3, refused.get("count").asLong());
    assertFalse(Timeline.json(FAILED).contains("\n"), "one line per event");
  }

  @Test
  void a_query_keeps_only_its_events_within_the_window() {
    AuditQuery session = AuditQuery.session("ses_1");
    assertTrue(session.test(STARTED));
    assertFalse(AuditQuery.session("ses_2").test(STARTED));
    assertTrue(AuditQuery.subject("app-1", "sub_a").test(STARTED));
    assertFalse(AuditQuery.subject("app-2", "sub_a").test(STARTED), "another app's subject");
    assertTrue(AuditQuery.address("app-1", "ip_x").test(STARTED));
    assertFalse(AuditQuery.address("app-1", "ip_x").test(FAILED));
    AuditQuery window = session.within(T0.plusMillis(40), T0.plusMillis(90));
    assertEquals(
        List.of(FAILED), List.of(STARTED, FAILED, REFUSED).stream().filter(window::test).toList());
  }

  @Test
  void a_day_bounds_the_window_from_its_start_to_its_end() {
    assertEquals(Instant.parse("2026-12-01T00:00:00Z"), new Times.Since().convert("2026-12-01"));
    assertEquals(Instant.parse("2026-12-02T00:00:00Z"), new Times.Until().convert("2026-12-01"));
    assertEquals(T0, new Times.Until().convert("2026-12-01T09:30:00Z"));
    assertThrows(TypeConversionException.class, () -> new Times.Since().convert("yesterday"));
  }

  @Test
  void the_progress_line_shows_records_rate_and_time_left() {
    assertEquals(
        "read 50,000 of 200,000 records (25%), 10,000 records/s, ETA 15 s",
        Progress.line(50_000, 200_000, 5.0));
    assertEquals("read 0 of 10 records (0%), 0 records/s, ETA -", Progress.line(0, 10, 0));
  }

  @Test
  void progress_shows_on_a_terminal_at_most_twice_a_second_and_never_when_piped() {
    long[] now = {0};
    StringWriter terminal = new StringWriter();
    Progress shown = new Progress(new PrintWriter(terminal), true, () -> now[0]);
    shown.update(10, 100);
    assertEquals("", terminal.toString(), "not before half a second");
    now[0] = 1_000_000_000L;
    shown.update(50, 100);
    assertEquals("\rread 50 of 100 records (50%), 50 records/s, ETA 1 s", terminal.toString());
    now[0] = 2_000_000_000L;
    shown.done(100, 100);
    assertTrue(
        terminal.toString().endsWith("\rread 100 of 100 records (100%), 50 records/s, ETA 0 s\n"));

    StringWriter piped = new StringWriter();
    Progress quiet = new Progress(new PrintWriter(piped), false, () -> now[0]);
    now[0] = 10_000_000_000L;
    quiet.update(50, 100);
    quiet.done(100, 100);
    assertEquals("", piped.toString());
  }
}
