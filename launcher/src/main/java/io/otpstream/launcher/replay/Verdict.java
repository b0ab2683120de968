package io.otpstream.launcher.replay;

import io.otpstream.schemas.audit.AuditEvent;
import io.otpstream.schemas.decision.OtpDecision;
import io.otpstream.schemas.topics.Topics;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The recorded decisions compared with a replay's, command by command, on the two topics that
 * record them: {@code otp.replies} (every decision, whole: outcome, rule, counts left, retry time,
 * settings version..., but kept an hour) and {@code otp.events} (the audit events of decisions,
 * kept forever). On each, the records of one command are compared as a multiset of whole records.
 *
 * <p>Retention deletes the head of a partition, so a replayed record whose recorded twin is missing
 * from a partition that lost its head is counted as deleted by retention, not as a divergence;
 * every recorded record that is left must be replayed as it is. A command recorded but not replayed
 * at all is a divergence, unless the input topics lost their head too (its command is gone: it is
 * counted as not replayed). The report says how many commands were compared on which topic, so a
 * verify that had nothing left to compare with cannot pass for one that did.
 */
final class Verdict {
  /** A command whose decisions differ: each side's records on the topic(s) that differ. */
  record Divergence(String commandId, List<String> lines) {
    String describe() {
      return commandId + lines.stream().map(l -> "\n    " + l).collect(Collectors.joining());
    }
  }

  /** What the comparison of one command on one topic found. */
  private record Matched(int compared, int deleted, boolean diverged) {}

  /** The commands and records compared on one topic, and the commands retention cut short. */
  private static final class Tally {
    int commands;
    int records;
    int deleted;

    void add(Matched m) {
      commands += m.compared() > 0 ? 1 : 0;
      records += m.compared();
      deleted += m.deleted() > 0 ? 1 : 0;
    }
  }

  final int commands;
  final Map<String, int[]> rows = new TreeMap<>();
  final List<Divergence> divergences = new ArrayList<>();
  private final Tally replies = new Tally();
  private final Tally events = new Tally();
  private final int recordedCount;
  private final int replayedCount;
  private final String repliesTopic;
  private final String eventsTopic;
  private final List<String> inputs;
  private final LogStarts starts;
  private int notCompared;
  private int notReplayed;

  /** Reads the recorded and the replayed decisions, and where the recorded topics start now. */
  static Verdict of(RecordedLog log, Topics recorded, Topics replayed) {
    List<String> inputs =
        List.of(
            recorded.quota.name(),
            recorded.requests.name(),
            recorded.commands.name(),
            recorded.deliveryStatus.name());
    LogStarts starts =
        log.starts(
            Stream.concat(
                    inputs.stream(), Stream.of(recorded.replies.name(), recorded.events.name()))
                .toList());
    return new Verdict(
        Decisions.read(log, recorded.replies),
        Decisions.read(log, replayed.replies),
        DecisionEvents.read(log, recorded.events),
        DecisionEvents.read(log, replayed.events),
        starts,
        recorded,
        inputs);
  }

  private Verdict(
      Decisions recorded,
      Decisions replayed,
      DecisionEvents recordedEvents,
      DecisionEvents replayedEvents,
      LogStarts starts,
      Topics topics,
      List<String> inputs) {
    this.repliesTopic = topics.replies.name();
    this.eventsTopic = topics.events.name();
    this.inputs = inputs;
    this.starts = starts;
    this.recordedCount = recorded.count();
    this.replayedCount = replayed.count();
    Set<String> ids = new TreeSet<>(recorded.byCommand.keySet());
    ids.addAll(replayed.byCommand.keySet());
    ids.addAll(recordedEvents.byCommand.keySet());
    ids.addAll(replayedEvents.byCommand.keySet());
    this.commands = ids.size();
    boolean inputCut = !starts.truncated(inputs).isEmpty();
    for (String id : ids) {
      List<OtpDecision> r = recorded.byCommand.getOrDefault(id, List.of());
      List<OtpDecision> p = replayed.byCommand.getOrDefault(id, List.of());
      List<AuditEvent> re = recordedEvents.byCommand.getOrDefault(id, List.of());
      List<AuditEvent> pe = replayedEvents.byCommand.getOrDefault(id, List.of());
      r.forEach(d -> rows.computeIfAbsent(Decisions.row(d), k -> new int[2])[0]++);
      p.forEach(d -> rows.computeIfAbsent(Decisions.row(d), k -> new int[2])[1]++);
      Matched onReplies =
          match(r, p, replayed.partitions.getOrDefault(id, List.of()), repliesTopic);
      Matched onEvents =
          match(re, pe, replayedEvents.partitions.getOrDefault(id, List.of()), eventsTopic);
      if (onReplies.diverged() || onEvents.diverged()) {
        if (p.isEmpty() && pe.isEmpty() && inputCut) {
          notReplayed++;
        } else {
          List<String> lines = new ArrayList<>();
          if (onReplies.diverged()) {
            lines.addAll(sides(repliesTopic, r, p, Decisions::shown));
          }
          if (onEvents.diverged()) {
            lines.addAll(sides(eventsTopic, re, pe, DecisionEvents::shown));
          }
          divergences.add(new Divergence(id, lines));
        }
        continue;
      }
      replies.add(onReplies);
      events.add(onEvents);
      notCompared += onReplies.compared() == 0 && onEvents.compared() == 0 ? 1 : 0;
    }
  }

  /**
   * Every recorded record must have its replayed twin; a replayed one without a recorded twin is
   * excused only in a partition whose head was deleted.
   */
  private <T> Matched match(
      List<T> recorded, List<T> replayed, List<Integer> replayedPartitions, String topic) {
    List<Integer> left = new ArrayList<>();
    for (int i = 0; i < replayed.size(); i++) {
      left.add(i);
    }
    for (T r : recorded) {
      Integer twin = left.stream().filter(i -> replayed.get(i).equals(r)).findFirst().orElse(null);
      if (twin == null) {
        return new Matched(0, 0, true);
      }
      left.remove(twin);
    }
    boolean excused =
        left.stream().allMatch(i -> starts.truncated(topic, replayedPartitions.get(i)));
    return new Matched(recorded.size(), left.size(), !excused);
  }

  private static <T> List<String> sides(
      String topic, List<T> recorded, List<T> replayed, Function<T, String> shown) {
    return List.of(
        "recorded on " + topic + ": " + shownSorted(recorded, shown),
        "replayed: " + shownSorted(replayed, shown));
  }

  private static <T> List<String> shownSorted(List<T> records, Function<T, String> shown) {
    return records.stream()
        .sorted(Comparator.comparing(Object::toString))
        .map(shown)
        .collect(Collectors.toList());
  }

  /** Were any decisions compared with a recorded one? */
  boolean conclusive() {
    return replies.commands + events.commands > 0 || commands == 0;
  }

  void print(PrintWriter out, int shown) {
    List<String> cutInputs =
        inputs.stream().filter(t -> !starts.truncated(List.of(t)).isEmpty()).toList();
    if (cutInputs.isEmpty()) {
      out.printf("recorded log: complete (%s from offset 0)%n", String.join(", ", inputs));
    } else {
      out.printf(
          "recorded log: TRUNCATED, the replay starts at %s; what was decided before is not"
              + " replayed, and decisions that depended on it (open sessions, windows, the quota"
              + " spent) may diverge%n",
          starts.describe(inputs));
    }
    out.printf(
        "commands: %d, decisions recorded: %d, replayed: %d%n",
        commands, recordedCount, replayedCount);
    out.printf("%-8s %-18s %-26s %9s %9s%n", "stage", "outcome", "rule", "recorded", "replayed");
    rows.forEach((row, n) -> out.printf("%s %9d %9d%n", row, n[0], n[1]));
    tally(out, repliesTopic, replies, "decisions");
    tally(out, eventsTopic, events, "audit events");
    out.printf(
        "not compared: %d commands (replayed, but no recorded reply or audit event of theirs is"
            + " left)%n",
        notCompared);
    if (!cutInputs.isEmpty()) {
      out.printf(
          "not replayed: %d commands (recorded, but their input was deleted)%n", notReplayed);
    }
    if (!conclusive()) {
      out.println("nothing recorded is left to compare with: this verify proves nothing");
    }
    out.printf("divergences: %d%n", divergences.size());
    divergences.stream().limit(shown).forEach(d -> out.println("  " + d.describe()));
    if (divergences.size() > shown) {
      out.printf("  ... and %d more%n", divergences.size() - shown);
    }
    out.flush();
  }

  private void tally(PrintWriter out, String topic, Tally t, String what) {
    String cut = starts.describe(List.of(topic));
    out.printf(
        "compared on %s: %d commands (%d %s); deleted by retention: %d commands%s%n",
        topic, t.commands, t.records, what, t.deleted, cut.isEmpty() ? "" : " (" + cut + ")");
  }
}
