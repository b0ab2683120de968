package io.otpstream.e2e.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.otpstream.e2e.faults.Exchange.Kind;
import io.otpstream.e2e.faults.Invariants.Rules;
import io.otpstream.schemas.audit.AuditType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The invariants of the fault suite catch each broken promise: fed crafted records of a clean run,
 * they find nothing; with one promise broken (a doubled decision, a lost send, a limit passed by
 * one, an undocumented or wrong answer), they name it.
 */
class InvariantsTest {
  private static final Rules RULES = new Rules(3, 3, 1, false);

  private static Exchange send(String session, String number, int status) {
    String body =
        status == 200
            ? "{\"success\":true,\"data\":{\"session_token\":\"t\",\"session_id\":\""
                + session
                + "\"}}"
            : "{}";
    return new Exchange(
        Kind.SEND,
        0,
        number,
        status == 200 ? session : null,
        null,
        0,
        1,
        status,
        body,
        status == 429 || status == 503 ? "1" : null,
        status == 429 ? "sends_per_subject" : null);
  }

  private static Exchange verify(String session, boolean expect, String body) {
    return new Exchange(
        Kind.VERIFY, 0, "+14155550000", session, expect, 2, 3, 200, body, null, null);
  }

  private static Decision started(String request, String session, String subject) {
    return new Decision(AuditType.SESSION_STARTED, request, session, subject, 0);
  }

  private static Report check(List<Exchange> ex, List<Decision> audit, Map<String, Integer> sms) {
    return Invariants.check(ex, audit, sms, RULES);
  }

  @Test
  void a_clean_run_breaks_no_promise() {
    Report r =
        check(
            List.of(
                send("s1", "+14155550001", 200),
                verify("s1", true, "{\"success\":true,\"data\":{\"verified\":true}}")),
            List.of(
                started("r1", "s1", "sub1"),
                new Decision(AuditType.VERIFIED, "r2", "s1", "sub1", 0)),
            Map.of("s1:0:sms", 1));
    assertEquals(List.of(), r.violations());
    r.assertHeld();
  }

  @Test
  void a_doubled_decision_is_caught_even_when_its_client_was_answered_once() {
    Report r =
        check(
            List.of(send("s1", "+14155550001", 200)),
            List.of(started("r1", "s1", "sub1"), started("r1", "s1", "sub1")),
            Map.of("s1:0:sms", 1));
    assertTrue(
        r.violations().contains("decided 2 times: SESSION_STARTED r1"), r.violations()::toString);
    assertTrue(
        r.violations().stream().anyMatch(v -> v.startsWith("a 2xx send decided 2 times")),
        r.violations()::toString);
    assertThrows(AssertionError.class, r::assertHeld);
  }

  @Test
  void an_accepted_send_never_delivered_is_a_lost_send() {
    Report r =
        check(
            List.of(send("s1", "+14155550001", 200)),
            List.of(started("r1", "s1", "sub1")),
            Map.of());
    assertEquals(List.of("an accepted send never delivered: s1:0:sms"), r.violations());
    assertEquals(1, r.pending());
  }

  @Test
  void extra_copies_beyond_the_in_flight_window_are_counted_and_refused() {
    Report within =
        check(
            List.of(send("s1", "+14155550001", 200)),
            List.of(started("r1", "s1", "sub1")),
            Map.of("s1:0:sms", 2));
    assertEquals(List.of(), within.violations());
    assertEquals(1, within.extraCopies());
    Report beyond =
        check(
            List.of(send("s1", "+14155550001", 200)),
            List.of(started("r1", "s1", "sub1")),
            Map.of("s1:0:sms", 3));
    assertEquals(
        List.of("2 extra copies delivered, over the in-flight bound 1"), beyond.violations());
  }

  @Test
  void a_limit_passed_by_one_is_caught_in_the_audit_log() {
    List<Exchange> sends = new ArrayList<>();
    List<Decision> audit = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      sends.add(send("s" + i, "+16505550000", 200));
      audit.add(started("r" + i, "s" + i, "hot"));
    }
    Report r =
        check(sends, audit, Map.of("s0:0:sms", 1, "s1:0:sms", 1, "s2:0:sms", 1, "s3:0:sms", 1));
    assertTrue(
        r.violations().contains("4 sessions started for one subject, over its limit: hot"),
        r.violations()::toString);
    assertEquals(4, r.maxSendsPerSubject());
  }

  @Test
  void undocumented_and_wrong_answers_are_named() {
    Exchange error = new Exchange(Kind.SEND, 1, "+1", null, null, 0, 1, 500, "{}", null, null);
    Exchange bare429 = new Exchange(Kind.SEND, 1, "+1", null, null, 0, 1, 429, "{}", null, null);
    Exchange bare503 = new Exchange(Kind.SEND, 1, "+1", null, null, 0, 1, 503, "{}", null, null);
    Exchange lost = new Exchange(Kind.SEND, 1, "+1", null, null, 0, 1, -1, "refused", null, null);
    Exchange wrong = verify("s9", true, "{\"success\":true,\"data\":{\"verified\":false}}");
    Report r =
        check(
            List.of(error, bare429, bare503, lost, wrong),
            List.of(new Decision(AuditType.CHECK_FAILED, "r9", "s9", "sub9", 0)),
            Map.of());
    assertEquals(5, r.violations().size(), r.violations()::toString);
    assertTrue(r.violations().get(0).startsWith("an undocumented answer"));
    assertTrue(r.violations().get(1).startsWith("429 without Retry-After"));
    assertTrue(r.violations().get(2).startsWith("503 without Retry-After"));
    assertTrue(r.violations().get(3).startsWith("no answer"));
    assertTrue(r.violations().get(4).startsWith("a wrong answer"));
  }

  @Test
  void a_session_nobody_asked_for_is_caught_but_an_unknown_answer_may_have_started_one() {
    List<Decision> audit = List.of(started("r1", "s1", "sub1"));
    Map<String, Integer> sms = Map.of("s1:0:sms", 1);
    assertEquals(
        List.of(
            "1 sessions started that no client was told of, for only 0 sends with an unknown answer"),
        check(List.of(), audit, sms).violations());
    assertEquals(
        List.of(), check(List.of(send("s1", "+14155550001", 503)), audit, sms).violations());
  }
}
