package io.otpstream.e2e.faults;

import io.otpstream.e2e.faults.Exchange.Kind;
import io.otpstream.schemas.audit.AuditType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The promises the service keeps through a fault, checked from what the clients saw ({@link
 * Exchange}), the audit log ({@link Decision}) and what the SMS provider received (delivery id →
 * copies): every answered request decided exactly once, every accepted send delivered exactly once
 * (but for the in-flight window), no limit exceeded by even one, only documented answers and no
 * wrong one. Pure: {@code InvariantsTest} feeds it crafted records that break each promise.
 */
final class Invariants {
  static final String NEVER_DELIVERED = "an accepted send never delivered: ";

  private Invariants() {}

  /**
   * The limits and allowances of one run.
   *
   * @param sendsPerSubject the app's {@code sends_per_subject} limit
   * @param maxResendsPerSession the app's {@code max_resends_per_session}
   * @param inFlightBound extra copies of a delivery allowed (what a killed dispatcher had in
   *     flight)
   * @param noAnswerAllowed whether a request may get no answer at all (an api instance was killed)
   */
  record Rules(
      int sendsPerSubject, int maxResendsPerSession, int inFlightBound, boolean noAnswerAllowed) {}

  static Report check(
      List<Exchange> exchanges, List<Decision> audit, Map<String, Integer> delivered, Rules rules) {
    List<String> v = new ArrayList<>();
    answers(exchanges, rules, v);
    List<Decision> decisions =
        audit.stream().filter(d -> Decision.ON_A_REQUEST.contains(d.type())).toList();
    decidedOnce(exchanges, decisions, v);
    int maxPerSubject = limits(exchanges, decisions, rules, v);
    int[] copies = deliveries(exchanges, decisions, delivered, rules, v);
    Map<String, Long> byStatus =
        new TreeMap<>(
            exchanges.stream()
                .collect(
                    Collectors.groupingBy(
                        e ->
                            e.kind()
                                + " "
                                + (e.status() == Exchange.NO_ANSWER ? "no answer" : e.status())
                                + (e.rule() == null ? "" : " " + e.rule()),
                        Collectors.counting())));
    int unknown = (int) exchanges.stream().filter(Exchange::unknown).count();
    return new Report(
        byStatus, unknown, decisions.size(), copies[0], copies[1], maxPerSubject, List.copyOf(v));
  }

  /**
   * Only 2xx, 400/402/429 (429 with Retry-After and the rule), 503 with Retry-After; no wrong one.
   */
  private static void answers(List<Exchange> exchanges, Rules rules, List<String> v) {
    for (Exchange e : exchanges) {
      switch (e.status()) {
        case Exchange.NO_ANSWER -> {
          if (!rules.noAnswerAllowed()) {
            v.add("no answer: " + e);
          }
        }
        case 200 -> rightAnswer(e, v);
        case 400 -> v.add("a valid request refused as bad input (a wrong answer): " + e);
        case 402 -> v.add("402 without a quota spent (a wrong answer): " + e);
        case 429 -> {
          if (e.retryAfter() == null || e.rule() == null) {
            v.add("429 without Retry-After or X-Otp-Rule: " + e);
          }
        }
        case 503 -> {
          if (e.retryAfter() == null) {
            v.add("503 without Retry-After: " + e);
          }
        }
        default -> v.add("an undocumented answer: " + e);
      }
    }
  }

  private static void rightAnswer(Exchange e, List<String> v) {
    boolean right =
        switch (e.kind()) {
          case SEND -> e.sessionId() != null && e.body().contains("\"session_token\"");
          case RESEND -> e.body().contains("\"success\":true");
          case VERIFY ->
              e.expectVerified() == null || e.body().contains("\"verified\":" + e.expectVerified());
        };
    if (!right) {
      v.add("a wrong answer: " + e);
    }
  }

  /**
   * Every 2xx decided exactly once; nothing decided twice; no decision nobody may have asked for.
   */
  private static void decidedOnce(
      List<Exchange> exchanges, List<Decision> decisions, List<String> v) {
    decisions.stream()
        .filter(d -> d.requestId() != null)
        .collect(Collectors.groupingBy(d -> d.type() + " " + d.requestId(), Collectors.counting()))
        .forEach(
            (key, n) -> {
              if (n > 1) {
                v.add("decided " + n + " times: " + key);
              }
            });
    Map<String, Long> started = count(decisions, d -> d.type() == AuditType.SESSION_STARTED);
    Set<String> answeredSessions = new HashSet<>();
    for (Exchange e : exchanges) {
      if (e.kind() == Kind.SEND && e.ok()) {
        answeredSessions.add(e.sessionId());
        long n = started.getOrDefault(e.sessionId(), 0L);
        if (n != 1) {
          v.add("a 2xx send decided " + n + " times: " + e);
        }
      }
    }
    long unanswered = started.keySet().stream().filter(s -> !answeredSessions.contains(s)).count();
    long unknownSends =
        exchanges.stream().filter(e -> e.kind() == Kind.SEND && e.unknown()).count();
    if (unanswered > unknownSends) {
      v.add(
          unanswered
              + " sessions started that no client was told of, for only "
              + unknownSends
              + " sends with an unknown answer");
    }
    within(exchanges, decisions, Kind.RESEND, Set.of(AuditType.RESENT), v);
    within(
        exchanges, decisions, Kind.VERIFY, Set.of(AuditType.VERIFIED, AuditType.CHECK_FAILED), v);
  }

  /**
   * Per session: decisions of {@code types} at least the 2xx requests of {@code kind}, at most
   * those and the ones whose answer is unknown.
   */
  private static void within(
      List<Exchange> exchanges,
      List<Decision> decisions,
      Kind kind,
      Set<AuditType> types,
      List<String> v) {
    Map<String, Long> decided = count(decisions, d -> types.contains(d.type()));
    Map<String, int[]> asked = new HashMap<>();
    for (Exchange e : exchanges) {
      if (e.kind() == kind && e.sessionId() != null) {
        int[] n = asked.computeIfAbsent(e.sessionId(), k -> new int[2]);
        n[0] += e.ok() ? 1 : 0;
        n[1] += e.unknown() ? 1 : 0;
      }
    }
    asked.forEach(
        (session, n) -> {
          long d = decided.getOrDefault(session, 0L);
          if (d < n[0] || d > n[0] + n[1]) {
            v.add(
                kind
                    + " of "
                    + session
                    + ": "
                    + d
                    + " decisions for "
                    + n[0]
                    + " answered 2xx and "
                    + n[1]
                    + " unknown");
          }
        });
  }

  /** Returns the most sessions started for one subject; no subject nor session over its limit. */
  private static int limits(
      List<Exchange> exchanges, List<Decision> decisions, Rules rules, List<String> v) {
    Map<String, Long> perSubject =
        decisions.stream()
            .filter(d -> d.type() == AuditType.SESSION_STARTED)
            .collect(Collectors.groupingBy(Decision::subjectId, Collectors.counting()));
    perSubject.forEach(
        (subject, n) -> {
          if (n > rules.sendsPerSubject()) {
            v.add(n + " sessions started for one subject, over its limit: " + subject);
          }
        });
    exchanges.stream()
        .filter(e -> e.kind() == Kind.SEND && e.ok())
        .collect(Collectors.groupingBy(Exchange::number, Collectors.counting()))
        .forEach(
            (number, n) -> {
              if (n > rules.sendsPerSubject()) {
                v.add(n + " sends answered 2xx for " + number + ", over its limit");
              }
            });
    count(decisions, d -> d.type() == AuditType.RESENT)
        .forEach(
            (session, n) -> {
              if (n > rules.maxResendsPerSession()) {
                v.add(n + " resends of " + session + ", over its limit");
              }
            });
    return perSubject.values().stream().mapToInt(Long::intValue).max().orElse(0);
  }

  /**
   * Every send or resend decided is delivered, once but for the in-flight window; nothing the
   * decisions did not ask for. Returns the deliveries expected and the extra copies.
   */
  private static int[] deliveries(
      List<Exchange> exchanges,
      List<Decision> decisions,
      Map<String, Integer> delivered,
      Rules rules,
      List<String> v) {
    Set<String> expected =
        decisions.stream()
            .filter(d -> d.type() == AuditType.SESSION_STARTED || d.type() == AuditType.RESENT)
            .map(Decision::deliveryId)
            .collect(Collectors.toSet());
    int extra = 0;
    for (String id : expected) {
      int n = delivered.getOrDefault(id, 0);
      if (n == 0) {
        v.add(NEVER_DELIVERED + id);
      }
      extra += Math.max(0, n - 1);
    }
    if (extra > rules.inFlightBound()) {
      v.add(extra + " extra copies delivered, over the in-flight bound " + rules.inFlightBound());
    }
    Set<String> sessions = new HashSet<>();
    decisions.forEach(d -> sessions.add(d.sessionId()));
    exchanges.forEach(e -> sessions.add(e.sessionId()));
    delivered.keySet().stream()
        .filter(id -> sessions.contains(id.substring(0, id.indexOf(':'))))
        .filter(id -> !expected.contains(id))
        .forEach(id -> v.add("delivered without a decision: " + id));
    return new int[] {expected.size(), extra};
  }

  private static Map<String, Long> count(List<Decision> decisions, Predicate<Decision> which) {
    return decisions.stream()
        .filter(which)
        .filter(d -> d.sessionId() != null)
        .collect(Collectors.groupingBy(Decision::sessionId, Collectors.counting()));
  }
}
