package io.otpstream.launcher.replay;

import io.otpstream.schemas.decision.OtpDecision;
import io.otpstream.schemas.delivery.DeliveryRequested;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * What other settings would have changed, from two replays of the same log that differ only in
 * their settings: the recorded ones (a replay decides as recorded: {@code replay verify}) and the
 * backtest's. Counted per rule, per session that locks (its audit line {@code LOCKED}), per message
 * requested from a provider.
 */
final class Changes {
  /** A command decided otherwise. */
  record Changed(
      String commandId, String sessionId, List<String> recorded, List<String> backtest) {}

  /** A message one side requested and the other did not. */
  record Message(String deliveryId, String sessionId, String channel, int generation) {}

  /** Per rule: refusals as recorded and in the backtest. */
  final Map<String, int[]> refusals = new TreeMap<>();

  final int commands;
  final List<Changed> changed = new ArrayList<>();
  final Set<String> lockedMore = new TreeSet<>();
  final Set<String> lockedFewer = new TreeSet<>();
  final int messagesRecorded;
  final int messagesBacktest;
  final List<Message> notSent;
  final List<Message> sentMore;

  Changes(
      Decisions recorded,
      Decisions backtest,
      Set<String> lockedBefore,
      Set<String> lockedAfter,
      List<DeliveryRequested> recordedMessages,
      List<DeliveryRequested> backtestMessages) {
    Set<String> ids = new TreeSet<>(recorded.byCommand.keySet());
    ids.addAll(backtest.byCommand.keySet());
    this.commands = ids.size();
    for (String id : ids) {
      List<OtpDecision> r = recorded.byCommand.getOrDefault(id, List.of());
      List<OtpDecision> b = backtest.byCommand.getOrDefault(id, List.of());
      r.stream().filter(d -> d.getRule() != null).forEach(d -> count(d.getRule())[0]++);
      b.stream().filter(d -> d.getRule() != null).forEach(d -> count(d.getRule())[1]++);
      List<String> before = decided(r);
      List<String> after = decided(b);
      if (!before.equals(after)) {
        changed.add(new Changed(id, session(r, b), before, after));
      }
    }
    lockedAfter.stream().filter(s -> !lockedBefore.contains(s)).forEach(lockedMore::add);
    lockedBefore.stream().filter(s -> !lockedAfter.contains(s)).forEach(lockedFewer::add);
    Map<String, Message> before = messages(recordedMessages);
    Map<String, Message> after = messages(backtestMessages);
    this.messagesRecorded = before.size();
    this.messagesBacktest = after.size();
    this.notSent = missing(before, after);
    this.sentMore = missing(after, before);
  }

  private int[] count(String rule) {
    return refusals.computeIfAbsent(rule, k -> new int[2]);
  }

  /** What a command's decisions come to: outcome and rule, in a stable order. */
  private static List<String> decided(List<OtpDecision> decisions) {
    return decisions.stream()
        .map(d -> d.getOutcome() + (d.getRule() == null ? "" : " rule=" + d.getRule()))
        .sorted()
        .toList();
  }

  private static String session(List<OtpDecision> r, List<OtpDecision> b) {
    return java.util.stream.Stream.concat(r.stream(), b.stream())
        .map(OtpDecision::getSessionId)
        .filter(s -> s != null)
        .findFirst()
        .orElse(null);
  }

  /** Every message by its delivery id (a delivery requested twice is one message). */
  private static Map<String, Message> messages(List<DeliveryRequested> requested) {
    Map<String, Message> byId = new TreeMap<>();
    for (DeliveryRequested d : requested) {
      byId.putIfAbsent(
          d.getDeliveryId(),
          new Message(
              d.getDeliveryId(),
              d.getSessionId(),
              d.getChannel().name().toLowerCase(java.util.Locale.ROOT),
              d.getGeneration()));
    }
    return byId;
  }

  private static List<Message> missing(Map<String, Message> from, Map<String, Message> in) {
    return from.values().stream()
        .filter(m -> !in.containsKey(m.deliveryId()))
        .sorted(Comparator.comparing(Message::sessionId).thenComparing(Message::generation))
        .toList();
  }

  /** Messages of {@code messages} per channel. */
  static Map<String, Long> perChannel(List<Message> messages) {
    return messages.stream()
        .collect(Collectors.groupingBy(Message::channel, TreeMap::new, Collectors.counting()));
  }
}
