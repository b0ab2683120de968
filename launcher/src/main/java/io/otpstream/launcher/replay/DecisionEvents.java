package io.otpstream.launcher.replay;

import io.otpstream.schemas.audit.AuditEvent;
import io.otpstream.schemas.topics.TopicSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The audit events of decisions on one {@code otp.events} topic (the recorded one, or a replay's),
 * by the command (request id) they record, with the partition each was read from. The audit log is
 * kept forever, so long after {@code otp.replies} has let a decision go its events still say what
 * was decided: outcome, rule, the count and limit it was held to, every rule checked, the settings
 * version. Two kinds of decision write none: a repeat of an idempotent request that the quota or
 * per-IP stage refused the first time (its first refusal has one), and a send naming a session id
 * already started. Events without a request id (delivery statuses the processor noted) are not
 * decisions and are left out.
 */
final class DecisionEvents {
  final Map<String, List<AuditEvent>> byCommand = new TreeMap<>();

  /** The partition each event of {@link #byCommand} was read from, in the same order. */
  final Map<String, List<Integer>> partitions = new TreeMap<>();

  private int count;

  static DecisionEvents read(RecordedLog log, TopicSpec<String, AuditEvent> events) {
    DecisionEvents d = new DecisionEvents();
    var values = events.valueSerde().deserializer();
    log.readAll(
        events.name(),
        r -> {
          AuditEvent e = values.deserialize(r.topic(), r.value());
          if (e.getRequestId() != null) {
            d.byCommand.computeIfAbsent(e.getRequestId(), k -> new ArrayList<>()).add(e);
            d.partitions
                .computeIfAbsent(e.getRequestId(), k -> new ArrayList<>())
                .add(r.partition());
            d.count++;
          }
        });
    return d;
  }

  int count() {
    return count;
  }

  /** What a divergence shows of an event: what was decided, held to what, under which settings. */
  static String shown(AuditEvent e) {
    StringBuilder s = new StringBuilder().append(e.getType()).append(' ').append(e.getOutcome());
    if (e.getRule() != null) {
      s.append(" rule=").append(e.getRule());
    }
    if (e.getCount() != null) {
      s.append(" count=").append(e.getCount());
    }
    if (e.getLimit() != null) {
      s.append(" limit=").append(e.getLimit());
    }
    if (e.getGeneration() != null) {
      s.append(" generation=").append(e.getGeneration());
    }
    return s.append(" settings_version=").append(e.getSettingsVersion()).toString();
  }
}
