package io.otpstream.processor.session;

import static io.otpstream.processor.support.Cmd.check;
import static io.otpstream.processor.support.Cmd.code;
import static io.otpstream.processor.support.Cmd.resend;
import static io.otpstream.processor.support.Cmd.send;
import static io.otpstream.processor.support.Cmd.settings;
import static io.otpstream.processor.support.Cmd.wrong;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.otpstream.processor.decision.SlidingWindows;
import io.otpstream.processor.support.Rig;
import io.otpstream.processor.support.Rig.Out;
import io.otpstream.schemas.apps.AppSettings;
import io.otpstream.schemas.apps.Limit;
import io.otpstream.schemas.audit.AuditType;
import io.otpstream.schemas.command.OtpCommand;
import io.otpstream.schemas.decision.Outcome;
import io.otpstream.schemas.session.SessionState;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Housekeeping on stream time: sessions are purged once stream time reaches expires_at + 1 h, and
 * windows once their newest event is older than the longest window a setting may give (7 days), so
 * no later settings change can need an event that was purged; a command for a purged session is
 * decided exactly as one for a session still stored but past its retention.
 */
class HousekeepingTest {
  private static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");
  private static final Duration RETENTION = SessionRules.RETENTION_AFTER_EXPIRY;
  private static final Duration HOUSEKEEPING_INTERVAL = Duration.ofMinutes(5);
  private static final int SESSIONS = 40;
  private static final String LIVE_SESSION = "s-live";
  private static final String LIVE_SUBJECT = "sub-live";
  private static final String LIVE_IP = "192.0.2.200";
  private static final String QUERY_IP = "192.0.2.99";
  private static final String PHONE = "+33612345678";
  private static final long VERSION = 3;

  /** Short-lived sessions and 10-minute windows. */
  private static final AppSettings SHORT =
      settings(
          VERSION,
          b ->
              b.setExpirySeconds(60)
                  .setSendsPerIp(new Limit(1_000, 600))
                  .setResendsPerIp(new Limit(1_000, 600))
                  .setSendsPerSubject(new Limit(100, 600))
                  .setResendsPerSubject(new Limit(100, 600))
                  .setFailedChecksPerSubject(new Limit(100, 600)));

  /** A day-long session and day-long windows: none of it may be purged here. */
  private static final AppSettings LONG =
      settings(
          VERSION,
          b ->
              b.setExpirySeconds(86_400)
                  .setSendsPerIp(new Limit(1_000, 86_400))
                  .setSendsPerSubject(new Limit(100, 86_400)));

  @TempDir Path stateDir;

  @Test
  void
      advancing_stream_time_past_expiry_plus_one_hour_purges_expired_sessions_and_windows_after_the_longest_window() {
    try (Rig rig = new Rig(stateDir.resolve("a"))) {
      final Map<String, Instant> expiresAt = populate(rig);
      assertEquals(SESSIONS + 1, Rig.keys(rig.sessions()).size());
      assertTrue(
          Rig.keys(rig.subjectWindows()).size() > 8,
          "windows before: " + Rig.keys(rig.subjectWindows()));
      assertTrue(
          Rig.keys(rig.ipWindows()).size() > 4, "ip windows before: " + Rig.keys(rig.ipWindows()));
      final Instant earliest = expiresAt.values().stream().min(Instant::compareTo).orElseThrow();
      final Instant latest = expiresAt.values().stream().max(Instant::compareTo).orElseThrow();

      // stream time reaches the earliest session's retention end exactly: that one session goes
      final Out boundary =
          rig.command(
              check(
                  id("boundary"),
                  earliest.plus(RETENTION),
                  QUERY_IP,
                  SHORT,
                  "sub-x",
                  "nobody",
                  "000000"));
      assertEquals(Outcome.NOT_FOUND, boundary.reply().getOutcome());
      final List<String> purgedFirst =
          expiresAt.entrySet().stream()
              .filter(e -> e.getValue().equals(earliest))
              .map(Map.Entry::getKey)
              .toList();
      assertEquals(1, purgedFirst.size());
      assertEquals(SESSIONS, Rig.keys(rig.sessions()).size());
      assertNull(rig.sessions().get(purgedFirst.get(0)));
      // windows are kept until their newest event is older than the longest settable window
      final int subjectWindows = Rig.keys(rig.subjectWindows()).size();
      assertTrue(
          subjectWindows > 8,
          "10-minute windows are not purged after 10 minutes: " + subjectWindows);

      // a command past the latest retention end plus one housekeeping interval: all expired
      // sessions go
      final Instant advance = latest.plus(RETENTION).plus(HOUSEKEEPING_INTERVAL).plusSeconds(1);
      assertTrue(
          advance.isAfter(earliest.plus(RETENTION).plus(HOUSEKEEPING_INTERVAL)),
          "precondition: a housekeeping run is due");
      rig.command(check(id("advance"), advance, QUERY_IP, SHORT, "sub-x", "nobody", "000000"));
      // the live (day-long) session is kept and still works
      final Out live =
          rig.command(
              check(
                  id("live"),
                  advance.plusSeconds(1),
                  QUERY_IP,
                  LONG,
                  LIVE_SUBJECT,
                  LIVE_SESSION,
                  code(LIVE_SESSION, 0, 6)));
      assertEquals(Outcome.VERIFIED, live.reply().getOutcome());

      assertEquals(List.of(LIVE_SESSION), Rig.keys(rig.sessions()));
      // seven days (the longest settable window) after the newest event, every window goes
      final Instant week = advance.plus(Duration.ofDays(7)).plus(HOUSEKEEPING_INTERVAL);
      rig.command(check(id("week"), week, QUERY_IP, SHORT, "sub-x", "nobody", "000000"));
      rig.command(
          check(
              id("week2"),
              week.plus(HOUSEKEEPING_INTERVAL),
              QUERY_IP,
              SHORT,
              "sub-x",
              "nobody",
              "000000"));
      assertEquals(List.of(), Rig.keys(rig.subjectWindows()));
      assertTrue(
          SlidingWindows.expired(
              new io.otpstream.schemas.limits.SlidingWindow(
                  List.of(advance.toEpochMilli()), 600_000L),
              advance.plus(Duration.ofDays(7)).toEpochMilli()));
      assertFalse(
          SlidingWindows.expired(
              new io.otpstream.schemas.limits.SlidingWindow(
                  List.of(advance.toEpochMilli()), 600_000L),
              advance.plus(Duration.ofDays(7)).toEpochMilli() - 1));
    }
  }

  @Test
  void
      a_command_for_a_purged_session_is_decided_exactly_as_for_one_stored_but_past_its_retention() {
    final String target = "s-20";
    try (Rig purged = new Rig(stateDir.resolve("purged"));
        Rig stored = new Rig(stateDir.resolve("stored"))) {
      final Map<String, Instant> expiresAt = populate(purged);
      assertEquals(expiresAt, populate(stored));
      final Instant retentionEnd = expiresAt.get(target).plus(RETENTION);
      final Instant latest = expiresAt.values().stream().max(Instant::compareTo).orElseThrow();

      // "purged": stream time moves past every retention end plus a housekeeping interval
      purged.command(
          check(
              id("advance"),
              latest.plus(RETENTION).plus(HOUSEKEEPING_INTERVAL).plusSeconds(1),
              QUERY_IP,
              SHORT,
              "sub-x",
              "nobody",
              "000000"));
      assertNull(purged.sessions().get(target), "precondition: purged");
      // "stored": housekeeping runs 1 ms before the target's retention end, then not for 5 minutes
      stored.command(
          check(
              id("pre"),
              retentionEnd.minusMillis(1),
              QUERY_IP,
              SHORT,
              "sub-x",
              "nobody",
              "000000"));
      assertNotNull(stored.sessions().get(target), "precondition: still stored");

      final String subject = stored.sessions().get(target).getSubjectId();
      final OtpCommand checkCmd =
          check(id("check"), retentionEnd, QUERY_IP, SHORT, subject, target, code(target, 0, 6));
      final OtpCommand resendCmd =
          resend(id("resend"), retentionEnd, QUERY_IP, SHORT, subject, target);
      final Out checkPurged = purged.command(checkCmd);
      final Out resendPurged = purged.request(resendCmd);
      final Out checkStored = stored.command(checkCmd);
      final Out resendStored = stored.request(resendCmd);

      assertNotNull(
          stored.sessions().get(target), "decided while the session was still in the store");
      assertEquals(Outcome.NOT_FOUND, checkStored.reply().getOutcome());
      assertEquals(Outcome.NOT_FOUND, resendStored.reply().getOutcome());
      assertEquals(
          List.of(AuditType.NOT_FOUND),
          checkStored.eventValues().stream().map(e -> e.getType()).toList());
      assertEquals(checkStored.replies(), checkPurged.replies());
      assertEquals(checkStored.events(), checkPurged.events());
      assertEquals(resendStored.replies(), resendPurged.replies());
      assertEquals(resendStored.events(), resendPurged.events());
      assertTrue(resendStored.deliveries().isEmpty() && resendPurged.deliveries().isEmpty());
      // and 1 ms earlier the stored session is still EXPIRED, not NOT_FOUND
      final Out expired =
          stored.command(
              check(
                  id("expired"),
                  retentionEnd.minusMillis(1),
                  QUERY_IP,
                  SHORT,
                  subject,
                  target,
                  code(target, 0, 6)));
      assertEquals(Outcome.EXPIRED, expired.reply().getOutcome());
    }
  }

  @Test
  void
      a_repeated_send_of_a_session_id_past_its_retention_is_decided_alike_whether_or_not_it_was_purged() {
    try (Rig purged = new Rig(stateDir.resolve("purged"));
        Rig stored = new Rig(stateDir.resolve("stored"))) {
      final OtpCommand first = send("send-1", T0, "10.0.0.1", SHORT, "sub-a", "s-1", PHONE);
      final Instant retentionEnd = T0.plusSeconds(60).plus(RETENTION);
      final Instant repeatAt = retentionEnd.plus(HOUSEKEEPING_INTERVAL).plusSeconds(1);
      final OtpCommand repeat = send("send-2", repeatAt, "10.0.0.1", SHORT, "sub-a", "s-1", PHONE);
      purged.request(first);
      stored.request(first);
      purged.command(
          check("advance", repeatAt.minusMillis(1), QUERY_IP, SHORT, "sub-x", "nobody", "000000"));
      assertNull(purged.sessions().get("s-1"), "precondition: purged");

      // stage 2 decides the repeat as recorded on otp.commands (through otp.requests, stage 1's own
      // record
      // would trigger the housekeeping in "stored" just before stage 2 sees it)
      final Out afterPurge = purged.command(repeat);
      final Out whileStored = stored.command(repeat);

      assertEquals(afterPurge.replies(), whileStored.replies());
      assertEquals(afterPurge.events(), whileStored.events());
      assertEquals(afterPurge.sms(), whileStored.sms());
    }
  }

  /**
   * {@value #SESSIONS} one-minute sessions over 8 subjects and 4 IPs, some with a wrong check or a
   * resend, and one day-long session; returns every session's expires_at as stored.
   */
  private Map<String, Instant> populate(final Rig rig) {
    requests = 0;
    for (int i = 0; i < SESSIONS; i++) {
      final String session = String.format("s-%02d", i);
      final String subject = "sub-" + (i % 8);
      final String ip = "10.0.0." + (i % 4);
      final Instant at = T0.plusSeconds(i);
      assertEquals(
          Outcome.STARTED,
          rig.request(send(id("send"), at, ip, SHORT, subject, session, PHONE))
              .reply()
              .getOutcome());
      if (i % 5 == 0) {
        assertEquals(
            Outcome.WRONG_CODE,
            rig.command(
                    check(
                        id("check"),
                        at.plusMillis(300),
                        ip,
                        SHORT,
                        subject,
                        session,
                        wrong(code(session, 0, 6))))
                .reply()
                .getOutcome());
      }
      if (i % 7 == 3) {
        assertEquals(
            Outcome.RESENT,
            rig.request(resend(id("resend"), at.plusMillis(600), ip, SHORT, subject, session))
                .reply()
                .getOutcome());
      }
    }
    assertEquals(
        Outcome.STARTED,
        rig.request(
                send(
                    id("send"),
                    T0.plusSeconds(45),
                    LIVE_IP,
                    LONG,
                    LIVE_SUBJECT,
                    LIVE_SESSION,
                    PHONE))
            .reply()
            .getOutcome());
    final Map<String, Instant> expiresAt = new TreeMap<>();
    for (String key : Rig.keys(rig.sessions())) {
      final SessionState s = rig.sessions().get(key);
      if (!key.equals(LIVE_SESSION)) {
        expiresAt.put(key, s.getExpiresAt());
      }
    }
    assertEquals(SESSIONS, expiresAt.size());
    return expiresAt;
  }

  private int requests;

  private String id(final String what) {
    return what + "-" + ++requests;
  }
}
