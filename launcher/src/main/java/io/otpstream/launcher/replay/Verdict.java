package io.otpstream.launcher.replay;

import io.otpstream.schemas.decision.OtpDecision;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The recorded decisions compared with a replay's, command by command: for each request id, the
 * same decisions (every field: outcome, rule, counts left, retry time, settings version...), as
 * many times each (a repeated idempotent request is answered each time).
 */
final class Verdict {
  /** A command whose decisions differ. */
  record Divergence(String commandId, List<OtpDecision> recorded, List<OtpDecision> replayed) {
    String describe() {
      return commandId
          + "\n    recorded: "
          + recorded.stream().map(Decisions::shown).toList()
          + "\n    replayed: "
          + replayed.stream().map(Decisions::shown).toList();
    }
  }

  final int commands;
  final Map<String, int[]> rows = new TreeMap<>();
  final List<Divergence> divergences = new ArrayList<>();
  private final int recordedCount;
  private final int replayedCount;

  Verdict(Decisions recorded, Decisions replayed) {
    Set<String> ids = new TreeSet<>(recorded.byCommand.keySet());
    ids.addAll(replayed.byCommand.keySet());
    this.commands = ids.size();
    this.recordedCount = recorded.count();
    this.replayedCount = replayed.count();
    for (String id : ids) {
      List<OtpDecision> r = sorted(recorded.byCommand.getOrDefault(id, List.of()));
      List<OtpDecision> p = sorted(replayed.byCommand.getOrDefault(id, List.of()));
      r.forEach(d -> rows.computeIfAbsent(Decisions.row(d), k -> new int[2])[0]++);
      p.forEach(d -> rows.computeIfAbsent(Decisions.row(d), k -> new int[2])[1]++);
      if (!r.equals(p)) {
        divergences.add(new Divergence(id, r, p));
      }
    }
  }

  private static List<OtpDecision> sorted(List<OtpDecision> decisions) {
    return decisions.stream()
        .sorted(Comparator.comparing(OtpDecision::toString))
        .collect(Collectors.toList());
  }

  void print(PrintWriter out, int shown) {
    out.printf(
        "commands: %d, decisions recorded: %d, replayed: %d%n",
        commands, recordedCount, replayedCount);
    out.printf("%-8s %-18s %-26s %9s %9s%n", "stage", "outcome", "rule", "recorded", "replayed");
    rows.forEach((row, n) -> out.printf("%s %9d %9d%n", row, n[0], n[1]));
    out.printf("divergences: %d%n", divergences.size());
    divergences.stream().limit(shown).forEach(d -> out.println("  " + d.describe()));
    if (divergences.size() > shown) {
      out.printf("  ... and %d more%n", divergences.size() - shown);
    }
    out.flush();
  }
}
