package io.otpstream.launcher.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.otpstream.common.json.Json;
import io.otpstream.schemas.audit.AuditEvent;
import io.otpstream.schemas.decision.Outcome;
import io.otpstream.schemas.limits.RuleCheck;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A timeline as it is printed: a table for people, or one JSON object per line for tools. Pure: the
 * events in, the lines out. Events are ordered by when they occurred (then by session and
 * generation, so a resend's events keep their order when two share a millisecond).
 */
public final class Timeline {
  static final Comparator<AuditEvent> ORDER =
      Comparator.comparing(AuditEvent::getOccurredAt)
          .thenComparing(e -> e.getSessionId() == null ? "" : e.getSessionId())
          .thenComparing(e -> e.getGeneration() == null ? 0 : e.getGeneration());

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(ZoneOffset.UTC);
  private static final String NONE = "-";

  private Timeline() {}

  /** {@code events} in timeline order. */
  public static List<AuditEvent> sorted(List<AuditEvent> events) {
    return events.stream().sorted(ORDER).toList();
  }

  /**
   * The table of {@code events} (already in order): a header and a row each, columns as wide as
   * their widest cell. A SUBJECT column only when the events concern more than one subject.
   */
  public static List<String> table(List<AuditEvent> events) {
    boolean subjects = events.stream().map(AuditEvent::getSubjectId).distinct().count() > 1;
    List<List<String>> rows = new ArrayList<>();
    List<String> header =
        new ArrayList<>(
            List.of(
                "TIME (UTC)",
                "EVENT",
                "OUTCOME",
                "SESSION",
                "GEN",
                "IP",
                "RULE",
                "COUNT",
                "SETTINGS",
                "DETAIL / CHECKS"));
    if (subjects) {
      header.add(1, "SUBJECT");
    }
    rows.add(header);
    for (AuditEvent e : events) {
      List<String> row =
          new ArrayList<>(
              List.of(
                  TIME.format(e.getOccurredAt()),
                  e.getType().name(),
                  e.getOutcome() == Outcome.UNKNOWN ? NONE : e.getOutcome().name(),
                  orNone(e.getSessionId()),
                  orNone(e.getGeneration()),
                  orNone(e.getClientIp()),
                  orNone(e.getRule()),
                  e.getCount() == null
                      ? NONE
                      : e.getCount() + (e.getLimit() == null ? "" : "/" + e.getLimit()),
                  "v" + e.getSettingsVersion(),
                  detail(e)));
      if (subjects) {
        row.add(1, e.getSubjectId());
      }
      rows.add(row);
    }
    return align(rows);
  }

  /** What happened, in words, then every rule evaluated as {@code rule count/limit}. */
  static String detail(AuditEvent e) {
    String checks =
        e.getChecks().stream()
            .map(c -> c.getRule() + " " + c.getCount() + "/" + c.getLimit())
            .collect(Collectors.joining(", "));
    String detail = e.getDetail() == null ? "" : e.getDetail();
    if (checks.isEmpty()) {
      return detail.isEmpty() ? NONE : detail;
    }
    return (detail.isEmpty() ? "" : detail + "; ") + "checks: " + checks;
  }

  /** One event as one line of JSON: every field, nulls included, so tools see a stable shape. */
  public static String json(AuditEvent e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("occurred_at", e.getOccurredAt().toString());
    m.put("type", e.getType().name());
    m.put("outcome", e.getOutcome().name());
    m.put("app_id", e.getAppId());
    m.put("subject_id", e.getSubjectId());
    m.put("session_id", e.getSessionId());
    m.put("generation", e.getGeneration());
    m.put("request_id", e.getRequestId());
    m.put("client_ip", e.getClientIp());
    m.put("rule", e.getRule());
    m.put("limit_key", e.getLimitKey());
    m.put("count", e.getCount());
    m.put("limit", e.getLimit());
    m.put("settings_version", e.getSettingsVersion());
    m.put("detail", e.getDetail());
    List<Map<String, Object>> checks = new ArrayList<>();
    for (RuleCheck c : e.getChecks()) {
      Map<String, Object> check = new LinkedHashMap<>();
      check.put("rule", c.getRule());
      check.put("key", c.getKey());
      check.put("count", c.getCount());
      check.put("limit", c.getLimit());
      checks.add(check);
    }
    m.put("checks", checks);
    try {
      return Json.MAPPER.writeValueAsString(m);
    } catch (JsonProcessingException ex) {
      throw new IllegalStateException(ex);
    }
  }

  private static String orNone(Object v) {
    return v == null ? NONE : v.toString();
  }

  private static List<String> align(List<List<String>> rows) {
    int columns = rows.get(0).size();
    int[] width = new int[columns];
    for (List<String> row : rows) {
      for (int i = 0; i < columns; i++) {
        width[i] = Math.max(width[i], row.get(i).length());
      }
    }
    List<String> lines = new ArrayList<>();
    for (List<String> row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < columns; i++) {
        String cell = row.get(i);
        line.append(cell);
        if (i < columns - 1) {
          line.append(" ".repeat(width[i] - cell.length() + 2));
        }
      }
      lines.add(line.toString());
    }
    return lines;
  }
}
