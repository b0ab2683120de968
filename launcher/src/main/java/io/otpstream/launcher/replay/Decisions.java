package io.otpstream.launcher.replay;

import io.otpstream.schemas.decision.OtpDecision;
import io.otpstream.schemas.rules.RuleNames;
import io.otpstream.schemas.topics.TopicSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The decisions on one {@code otp.replies} topic (the recorded one, or a replay's), by the command
 * (request id) they answer, with the partition each was read from. Every command a stage decides is
 * answered there, repeats of an idempotent request included, so a replay's is every decision it
 * made; the recorded one keeps an hour of them (its retention), so it is every decision only while
 * that hour has not passed.
 */
final class Decisions {
  private static final Set<String> PER_IP_RULES =
      Set.of(
          RuleNames.SENDS_PER_IP,
          RuleNames.RESENDS_PER_IP,
          RuleNames.ALLOWED_COUNTRIES,
          RuleNames.PREMIUM_RATE);

  final Map<String, List<OtpDecision>> byCommand = new TreeMap<>();

  /** The partition each decision of {@link #byCommand} was read from, in the same order. */
  final Map<String, List<Integer>> partitions = new TreeMap<>();

  private int count;

  static Decisions read(RecordedLog log, TopicSpec<String, OtpDecision> replies) {
    Decisions d = new Decisions();
    var values = replies.valueSerde().deserializer();
    log.readAll(
        replies.name(),
        r -> {
          OtpDecision decision = values.deserialize(r.topic(), r.value());
          d.byCommand
              .computeIfAbsent(decision.getRequestId(), k -> new ArrayList<>())
              .add(decision);
          d.partitions
              .computeIfAbsent(decision.getRequestId(), k -> new ArrayList<>())
              .add(r.partition());
          d.count++;
        });
    return d;
  }

  int count() {
    return count;
  }

  /** The stage that decided, told by the rule (each rule belongs to one stage). */
  static String stageOf(OtpDecision d) {
    String rule = d.getRule();
    if (RuleNames.QUOTA.equals(rule)) {
      return "quota";
    }
    return rule != null && PER_IP_RULES.contains(rule) ? "limits" : "session";
  }

  /** The row a decision is counted in: stage, outcome and rule. */
  static String row(OtpDecision d) {
    return String.format(
        "%-8s %-18s %-26s", stageOf(d), d.getOutcome(), d.getRule() == null ? "-" : d.getRule());
  }

  /**
   * What a divergence shows of a decision: no code (a sandbox decision carries one), just what was
   * decided and under which settings.
   */
  static String shown(OtpDecision d) {
    StringBuilder s = new StringBuilder().append(d.getOutcome());
    if (d.getRule() != null) {
      s.append(" rule=").append(d.getRule());
    }
    if (d.getAttemptsRemaining() != null) {
      s.append(" attempts_remaining=").append(d.getAttemptsRemaining());
    }
    if (d.getRetryAfterSeconds() != null) {
      s.append(" retry_after=").append(d.getRetryAfterSeconds()).append('s');
    }
    return s.append(" settings_version=").append(d.getSettingsVersion()).toString();
  }
}
