package io.otpstream.processor.limits;

import static io.otpstream.processor.support.Cmd.check;
import static io.otpstream.processor.support.Cmd.code;
import static io.otpstream.processor.support.Cmd.resend;
import static io.otpstream.processor.support.Cmd.send;
import static io.otpstream.processor.support.Cmd.settings;
import static io.otpstream.processor.support.Cmd.wrong;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberFormat;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberType;
import io.otpstream.processor.support.Rig;
import io.otpstream.processor.support.Rig.Out;
import io.otpstream.schemas.apps.AppSettings;
import io.otpstream.schemas.apps.Limit;
import io.otpstream.schemas.audit.AuditEvent;
import io.otpstream.schemas.audit.AuditType;
import io.otpstream.schemas.command.OtpRequested;
import io.otpstream.schemas.common.Channel;
import io.otpstream.schemas.decision.OtpDecision;
import io.otpstream.schemas.decision.Outcome;
import io.otpstream.schemas.delivery.DeliveryRequested;
import io.otpstream.schemas.limits.RuleCheck;
import io.otpstream.schemas.rules.RuleNames;
import io.otpstream.schemas.session.SessionStatus;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every rule at its boundaries, through the whole topology fed as the api feeds it (sends and
 * resends on otp.requests keyed by client IP, checks on otp.commands keyed by subject): the last
 * command allowed, the first refused (rule, exact Retry-After, audit event with the settings
 * version the command carried), and allowed again exactly when the window slides. Limits are small
 * custom settings (version {@value #VERSION}) carried by each command.
 */
class RuleBoundaryTest {
  private static final long VERSION = 7;
  private static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");
  private static final String IP1 = "198.51.100.1";
  private static final String IP2 = "198.51.100.2";
  private static final String IP3 = "198.51.100.3";
  private static final String SUB_A = "sub-a";
  private static final String SUB_B = "sub-b";
  private static final String SUB_C = "sub-c";
  private static final String SUB_D = "sub-d";
  private static final String FR_MOBILE = "+33612345678";
  private static final String US_NUMBER = "+14155550123";
  private static final PhoneNumberUtil PHONES = PhoneNumberUtil.getInstance();
  private static final Limit TWO_PER_MINUTE = new Limit(2, 60);

  @TempDir Path stateDir;

  private Rig rig;
  private int requests;

  @BeforeEach
  void setUp() {
    rig = new Rig(stateDir);
  }

  @AfterEach
  void tearDown() {
    rig.close();
  }

  // ---- sends_per_ip (stage 1) ---------------------------------------------------------------

  @Test
  void
      sends_per_ip_is_shared_by_subjects_of_one_ip_and_admits_again_exactly_when_the_oldest_send_slides_out() {
    final AppSettings cfg = settings(VERSION, b -> b.setSendsPerIp(TWO_PER_MINUTE));

    final Out first = rig.request(send(id(), T0, IP1, cfg, SUB_A, "s-a", FR_MOBILE));
    final Out lastAllowed =
        rig.request(send(id(), T0.plusMillis(10_500), IP1, cfg, SUB_B, "s-b", FR_MOBILE));
    final Instant t3 = T0.plusMillis(20_300);
    final Out refused = rig.request(send(id(), t3, IP1, cfg, SUB_C, "s-c1", FR_MOBILE));
    final Out otherIp = rig.request(send(id(), t3, IP2, cfg, SUB_C, "s-c2", FR_MOBILE));
    final Out justBefore =
        rig.request(
            send(id(), T0.plusSeconds(60).minusMillis(1), IP1, cfg, SUB_D, "s-d1", FR_MOBILE));
    final Out again =
        rig.request(send(id(), T0.plusSeconds(60), IP1, cfg, SUB_D, "s-d2", FR_MOBILE));

    assertStarted(first);
    assertStarted(lastAllowed);
    assertEquals(
        new RuleCheck(RuleNames.SENDS_PER_IP, IP1, 2L, 2L),
        checkOf(lastAllowed.event(), RuleNames.SENDS_PER_IP));
    // the oldest send (T0) slides out at T0 + 60 s: 60.000 - 20.300 = 39.7 s, rounded up
    assertRateLimited(refused, RuleNames.SENDS_PER_IP, IP1, 2, 2, 40);
    assertRefusedInStage1(refused, "s-c1");
    assertNull(rig.sessions().get("s-c1"));
    assertEquals(SUB_C, refused.events().get(0).key());
    assertStarted(otherIp);
    assertRateLimited(justBefore, RuleNames.SENDS_PER_IP, IP1, 2, 2, 1);
    assertStarted(again);
    // T0 slid out, T0 + 10.5 s is still in: the admitted send makes two
    assertEquals(
        new RuleCheck(RuleNames.SENDS_PER_IP, IP1, 2L, 2L),
        checkOf(again.event(), RuleNames.SENDS_PER_IP));
  }

  // ---- resends_per_ip (stage 1) -------------------------------------------------------------

  @Test
  void
      resends_per_ip_is_shared_by_subjects_of_one_ip_and_admits_again_exactly_when_the_oldest_resend_slides_out() {
    final AppSettings cfg = settings(VERSION, b -> b.setResendsPerIp(TWO_PER_MINUTE));
    assertStarted(rig.request(send(id(), T0, IP1, cfg, SUB_A, "s-a", FR_MOBILE)));
    assertStarted(rig.request(send(id(), T0, IP1, cfg, SUB_B, "s-b", FR_MOBILE)));

    final Out first = rig.request(resend(id(), T0.plusSeconds(1), IP1, cfg, SUB_A, "s-a"));
    final Out lastAllowed = rig.request(resend(id(), T0.plusSeconds(2), IP1, cfg, SUB_B, "s-b"));
    final Instant t3 = T0.plusMillis(3_500);
    final Out refused = rig.request(resend(id(), t3, IP1, cfg, SUB_A, "s-a"));
    final Out otherIp = rig.request(resend(id(), t3, IP2, cfg, SUB_A, "s-a"));
    final Out justBefore =
        rig.request(resend(id(), T0.plusSeconds(61).minusMillis(1), IP1, cfg, SUB_B, "s-b"));
    final Out again = rig.request(resend(id(), T0.plusSeconds(61), IP1, cfg, SUB_B, "s-b"));

    assertResent(first, 1);
    assertResent(lastAllowed, 1);
    assertEquals(
        new RuleCheck(RuleNames.RESENDS_PER_IP, IP1, 2L, 2L),
        checkOf(lastAllowed.event(), RuleNames.RESENDS_PER_IP));
    // the oldest resend (T0 + 1 s) slides out at T0 + 61 s: 61.0 - 3.5 = 57.5 s, rounded up
    assertRateLimited(refused, RuleNames.RESENDS_PER_IP, IP1, 2, 2, 58);
    assertRefusedInStage1(refused, "s-a");
    assertEquals(SUB_A, refused.event().getSubjectId());
    assertResent(otherIp, 2);
    assertRateLimited(justBefore, RuleNames.RESENDS_PER_IP, IP1, 2, 2, 1);
    assertResent(again, 2);
  }

  // ---- sends_per_subject (stage 2) ----------------------------------------------------------

  @Test
  void
      sends_per_subject_is_shared_across_ips_and_admits_again_exactly_when_the_oldest_send_slides_out() {
    final AppSettings cfg = settings(VERSION, b -> b.setSendsPerSubject(TWO_PER_MINUTE));

    final Out first = rig.request(send(id(), T0, IP1, cfg, SUB_A, "s1", FR_MOBILE));
    final Out lastAllowed =
        rig.request(send(id(), T0.plusSeconds(10), IP2, cfg, SUB_A, "s2", FR_MOBILE));
    final Instant t3 = T0.plusMillis(20_300);
    final Out otherSubject = rig.request(send(id(), t3, IP1, cfg, SUB_B, "s-b", FR_MOBILE));
    final Out refused = rig.request(send(id(), t3, IP3, cfg, SUB_A, "s3", FR_MOBILE));
    final Out justBefore =
        rig.request(
            send(id(), T0.plusSeconds(60).minusMillis(1), IP1, cfg, SUB_A, "s4", FR_MOBILE));
    final Out again = rig.request(send(id(), T0.plusSeconds(60), IP1, cfg, SUB_A, "s5", FR_MOBILE));

    assertStarted(first);
    assertStarted(lastAllowed);
    assertEquals(
        new RuleCheck(RuleNames.SENDS_PER_SUBJECT, SUB_A, 2L, 2L),
        checkOf(lastAllowed.event(), RuleNames.SENDS_PER_SUBJECT));
    assertStarted(otherSubject);
    // 60.000 - 20.300 = 39.7 s, rounded up
    assertRateLimited(refused, RuleNames.SENDS_PER_SUBJECT, SUB_A, 2, 2, 40);
    assertEquals(1, refused.admitted().size(), "stage 1 admitted it; stage 2 refused");
    assertNull(rig.sessions().get("s3"));
    assertEquals(
        List.of(
            new RuleCheck(RuleNames.SENDS_PER_IP, IP3, 1L, 1_000L),
            new RuleCheck(RuleNames.SENDS_PER_SUBJECT, SUB_A, 2L, 2L)),
        refused.event().getChecks());
    assertRateLimited(justBefore, RuleNames.SENDS_PER_SUBJECT, SUB_A, 2, 2, 1);
    assertStarted(again);
    assertEquals(
        new RuleCheck(RuleNames.SENDS_PER_SUBJECT, SUB_A, 2L, 2L),
        checkOf(again.event(), RuleNames.SENDS_PER_SUBJECT));
  }

  // ---- resends_per_subject (stage 2) --------------------------------------------------------

  @Test
  void
      resends_per_subject_is_shared_across_sessions_and_admits_again_exactly_when_the_oldest_resend_slides_out() {
    final AppSettings cfg = settings(VERSION, b -> b.setResendsPerSubject(TWO_PER_MINUTE));
    assertStarted(rig.request(send(id(), T0, IP1, cfg, SUB_A, "s1", FR_MOBILE)));
    assertStarted(rig.request(send(id(), T0.plusSeconds(1), IP1, cfg, SUB_A, "s2", FR_MOBILE)));
    assertStarted(rig.request(send(id(), T0.plusSeconds(2), IP1, cfg, SUB_B, "s-b", FR_MOBILE)));

    final Out first = rig.request(resend(id(), T0.plusSeconds(5), IP1, cfg, SUB_A, "s1"));
    final Out lastAllowed = rig.request(resend(id(), T0.plusSeconds(10), IP2, cfg, SUB_A, "s2"));
    final Instant t3 = T0.plusMillis(20_250);
    final Out refused = rig.request(resend(id(), t3, IP1, cfg, SUB_A, "s1"));
    final int generationAfterRefusal = rig.sessions().get("s1").getGeneration();
    final Out otherSubject = rig.request(resend(id(), t3, IP1, cfg, SUB_B, "s-b"));
    final Out justBefore =
        rig.request(resend(id(), T0.plusSeconds(65).minusMillis(1), IP1, cfg, SUB_A, "s1"));
    final Out again = rig.request(resend(id(), T0.plusSeconds(65), IP1, cfg, SUB_A, "s1"));

    assertResent(first, 1);
    assertResent(lastAllowed, 1);
    assertEquals(
        new RuleCheck(RuleNames.RESENDS_PER_SUBJECT, SUB_A, 2L, 2L),
        checkOf(lastAllowed.event(), RuleNames.RESENDS_PER_SUBJECT));
    // the oldest resend (T0 + 5 s) slides out at T0 + 65 s: 65.000 - 20.250 = 44.75 s, rounded up
    assertRateLimited(refused, RuleNames.RESENDS_PER_SUBJECT, SUB_A, 2, 2, 45);
    assertEquals(1, generationAfterRefusal, "a refused resend starts no generation");
    assertResent(otherSubject, 1);
    assertRateLimited(justBefore, RuleNames.RESENDS_PER_SUBJECT, SUB_A, 2, 2, 1);
    assertResent(again, 2);
  }

  // ---- max_resends_per_session (stage 2) ----------------------------------------------------

  @Test
  void
      max_resends_per_session_refuses_the_resend_after_the_limit_until_the_session_ends_but_not_a_new_session() {
    final AppSettings cfg = settings(VERSION, b -> b.setMaxResendsPerSession(2));
    assertStarted(rig.request(send(id(), T0, IP1, cfg, SUB_A, "s1", FR_MOBILE)));

    final Out first = rig.request(resend(id(), T0.plusSeconds(1), IP1, cfg, SUB_A, "s1"));
    final Out lastAllowed = rig.request(resend(id(), T0.plusSeconds(2), IP1, cfg, SUB_A, "s1"));
    final Out refused = rig.request(resend(id(), T0.plusMillis(3_500), IP1, cfg, SUB_A, "s1"));
    final Out stillRefused = rig.request(resend(id(), T0.plusSeconds(600), IP1, cfg, SUB_A, "s1"));
    assertStarted(rig.request(send(id(), T0.plusSeconds(601), IP1, cfg, SUB_A, "s2", FR_MOBILE)));
    final Out newSession = rig.request(resend(id(), T0.plusSeconds(602), IP1, cfg, SUB_A, "s2"));

    assertResent(first, 1);
    assertResent(lastAllowed, 2);
    assertEquals(
        new RuleCheck(RuleNames.RESENDS_PER_SESSION, "s1", 2L, 2L),
        checkOf(lastAllowed.event(), RuleNames.RESENDS_PER_SESSION));
    // no window: Retry-After is the time left until the session expires (T0 + 2 s + 600 s)
    assertRateLimited(refused, RuleNames.RESENDS_PER_SESSION, "s1", 2, 2, 599);
    assertEquals(T0.plusSeconds(602), refused.reply().getExpiresAt());
    assertRateLimited(stillRefused, RuleNames.RESENDS_PER_SESSION, "s1", 2, 2, 2);
    assertEquals(2, rig.sessions().get("s1").getResends());
    assertResent(newSession, 1);
  }

  // ---- resend_cooldown_seconds (stage 2) ----------------------------------------------------

  @Test
  void
      resend_cooldown_refuses_until_exactly_last_sent_plus_cooldown_with_the_remaining_seconds_rounded_up() {
    final AppSettings cfg = settings(VERSION, b -> b.setResendCooldownSeconds(30));
    assertStarted(rig.request(send(id(), T0, IP1, cfg, SUB_A, "s1", FR_MOBILE)));

    final Out early = rig.request(resend(id(), T0.plusMillis(12_500), IP1, cfg, SUB_A, "s1"));
    final Out justBefore =
        rig.request(resend(id(), T0.plusSeconds(30).minusMillis(1), IP1, cfg, SUB_A, "s1"));
    final Out due = rig.request(resend(id(), T0.plusSeconds(30), IP1, cfg, SUB_A, "s1"));
    final Out fromTheResend =
        rig.request(resend(id(), T0.plusSeconds(60).minusMillis(1), IP1, cfg, SUB_A, "s1"));
    final Out dueAgain = rig.request(resend(id(), T0.plusSeconds(60), IP1, cfg, SUB_A, "s1"));

    // 30.0 - 12.5 = 17.5 s, rounded up; the cooldown is a window of one send per session
    assertRateLimited(early, RuleNames.RESEND_COOLDOWN, "s1", 1, 1, 18);
    assertRateLimited(justBefore, RuleNames.RESEND_COOLDOWN, "s1", 1, 1, 1);
    assertResent(due, 1);
    // the cooldown restarts at the resend (T0 + 30 s)
    assertRateLimited(fromTheResend, RuleNames.RESEND_COOLDOWN, "s1", 1, 1, 1);
    assertResent(dueAgain, 2);
    assertEquals(2, rig.sessions().get("s1").getResends(), "refused resends do not count");
  }

  @Test
  void
      without_a_cooldown_a_resend_stamped_before_the_sessions_last_send_is_not_refused_by_the_cooldown() {
    final AppSettings cfg = settings(VERSION, b -> b.setResendCooldownSeconds(0));
    assertStarted(rig.request(send(id(), T0, IP1, cfg, SUB_A, "s1", FR_MOBILE)));
    assertResent(rig.request(resend(id(), T0.plusMillis(20), IP1, cfg, SUB_A, "s1")), 1);
    // stamped 5 ms before that resend by another api instance, and decided after it
    assertResent(rig.request(resend(id(), T0.plusMillis(15), IP2, cfg, SUB_A, "s1")), 2);
  }

  // ---- failed_checks_per_subject (stage 2) --------------------------------------------------

  @Test
  void
      failed_checks_per_subject_from_one_source_spans_sessions_refuses_even_the_right_code_without_using_an_attempt_until_the_window_slides() {
    final AppSettings cfg = settings(VERSION, b -> b.setFailedChecksPerSubject(TWO_PER_MINUTE));
    assertStarted(rig.request(send(id(), T0, IP1, cfg, SUB_A, "s1", FR_MOBILE)));
    assertStarted(rig.request(send(id(), T0, IP1, cfg, SUB_A, "s2", FR_MOBILE)));
    assertStarted(rig.request(send(id(), T0, IP1, cfg, SUB_B, "s-b", FR_MOBILE)));
    final String right = code("s1", 0, 6);

    final Out first =
        rig.command(check(id(), T0.plusSeconds(1), IP1, cfg, SUB_A, "s1", wrong(right)));
    final Out lastAllowed =
        rig.command(check(id(), T0.plusSeconds(2), IP1, cfg, SUB_A, "s2", wrong(code("s2", 0, 6))));
    final Instant t3 = T0.plusMillis(3_400);
    final Out refused = rig.command(check(id(), t3, IP1, cfg, SUB_A, "s1", right));
    final Out otherSubject =
        rig.command(check(id(), t3, IP1, cfg, SUB_B, "s-b", wrong(code("s-b", 0, 6))));
    final Out justBefore =
        rig.command(check(id(), T0.plusSeconds(61).minusMillis(1), IP1, cfg, SUB_A, "s1", right));
    final int failedBeforeSlide = rig.sessions().get("s1").getFailedAttempts();
    final SessionStatus statusBeforeSlide = rig.sessions().get("s1").getStatus();
    final Out again = rig.command(check(id(), T0.plusSeconds(61), IP1, cfg, SUB_A, "s1", right));

    assertWrongCode(first, 9);
    assertWrongCode(lastAllowed, 9);
    final String fromIp1 = SUB_A + "|" + IP1;
    assertEquals(
        new RuleCheck(RuleNames.FAILED_CHECKS_PER_SUBJECT, fromIp1, 2L, 2L),
        checkOf(lastAllowed.event(), RuleNames.FAILED_CHECKS_PER_SUBJECT));
    // the oldest failure (T0 + 1 s) slides out at T0 + 61 s: 61.0 - 3.4 = 57.6 s, rounded up
    assertRateLimited(refused, RuleNames.FAILED_CHECKS_PER_SUBJECT, fromIp1, 2, 2, 58);
    assertWrongCode(otherSubject, 9);
    assertRateLimited(justBefore, RuleNames.FAILED_CHECKS_PER_SUBJECT, fromIp1, 2, 2, 1);
    assertEquals(1, failedBeforeSlide, "refused checks do not use the session's attempts");
    assertEquals(SessionStatus.OPEN, statusBeforeSlide);
    assertEquals(Outcome.VERIFIED, again.reply().getOutcome());
    assertEquals(9, again.reply().getAttemptsRemaining());
    assertEquals(VERSION, again.reply().getSettingsVersion());
  }

  @Test
  void
      a_source_that_used_up_its_wrong_codes_on_a_subject_does_not_stop_the_user_with_the_right_code_from_another() {
    final AppSettings cfg = settings(VERSION, b -> b.setFailedChecksPerSubject(TWO_PER_MINUTE));
    assertStarted(rig.request(send(id(), T0, IP1, cfg, SUB_A, "attacker", FR_MOBILE)));
    assertStarted(rig.request(send(id(), T0, IP2, cfg, SUB_A, "user", FR_MOBILE)));
    assertWrongCode(
        rig.command(
            check(
                id(),
                T0.plusSeconds(1),
                IP1,
                cfg,
                SUB_A,
                "attacker",
                wrong(code("attacker", 0, 6)))),
        9);
    assertWrongCode(
        rig.command(
            check(
                id(),
                T0.plusSeconds(2),
                IP1,
                cfg,
                SUB_A,
                "attacker",
                wrong(code("attacker", 0, 6)))),
        8);

    final Out attackerAgain =
        rig.command(
            check(
                id(),
                T0.plusSeconds(3),
                IP1,
                cfg,
                SUB_A,
                "attacker",
                wrong(code("attacker", 0, 6))));
    final Out user =
        rig.command(check(id(), T0.plusSeconds(3), IP2, cfg, SUB_A, "user", code("user", 0, 6)));

    assertRateLimited(
        attackerAgain, RuleNames.FAILED_CHECKS_PER_SUBJECT, SUB_A + "|" + IP1, 2, 2, 58);
    assertEquals(Outcome.VERIFIED, user.reply().getOutcome());
  }

  // ---- failed_checks_ceiling (stage 2) ------------------------------------------------------

  @Test
  void failed_checks_ceiling_counts_wrong_codes_from_every_source_and_a_right_code_resets_it() {
    final AppSettings cfg =
        settings(
            VERSION,
            b ->
                b.setFailedChecksPerSubject(TWO_PER_MINUTE)
                    .setFailedChecksCeiling(new Limit(3, 3600)));
    for (String s : List.of("s1", "s2", "s3", "s4")) {
      assertStarted(rig.request(send(id(), T0, IP1, cfg, SUB_A, s, FR_MOBILE)));
    }
    assertWrongCode(
        rig.command(check(id(), T0.plusSeconds(1), IP1, cfg, SUB_A, "s1", wrong(code("s1", 0, 6)))),
        9);
    assertWrongCode(
        rig.command(check(id(), T0.plusSeconds(2), IP2, cfg, SUB_A, "s2", wrong(code("s2", 0, 6)))),
        9);
    final Out third =
        rig.command(check(id(), T0.plusSeconds(3), IP3, cfg, SUB_A, "s3", wrong(code("s3", 0, 6))));

    final Out fourthSource =
        rig.command(
            check(id(), T0.plusSeconds(4), "198.51.100.4", cfg, SUB_A, "s4", code("s4", 0, 6)));
    final Out otherSubject =
        rig.command(check(id(), T0.plusSeconds(4), IP1, cfg, SUB_B, "nope", "123456"));

    assertWrongCode(third, 9);
    assertEquals(
        new RuleCheck(RuleNames.FAILED_CHECKS_CEILING, SUB_A, 3L, 3L),
        checkOf(third.event(), RuleNames.FAILED_CHECKS_CEILING));
    // every source's wrong codes add up: the fourth source is refused even with the right code,
    // until the first slides out
    assertRateLimited(fourthSource, RuleNames.FAILED_CHECKS_CEILING, SUB_A, 3, 3, 3597);
    assertEquals(Outcome.NOT_FOUND, otherSubject.reply().getOutcome());

    // a right code, once the ceiling admits it, forgives the failures before it: they were not in a
    // row
    final Instant later = T0.plusSeconds(3601);
    assertStarted(rig.request(send(id(), later, IP1, cfg, SUB_A, "s5", FR_MOBILE)));
    assertStarted(rig.request(send(id(), later, IP1, cfg, SUB_A, "s6", FR_MOBILE)));
    assertEquals(
        Outcome.VERIFIED,
        rig.command(check(id(), later, IP1, cfg, SUB_A, "s5", code("s5", 0, 6)))
            .reply()
            .getOutcome());
    final Out afterSuccess =
        rig.command(
            check(id(), later.plusSeconds(1), IP1, cfg, SUB_A, "s6", wrong(code("s6", 0, 6))));
    assertEquals(
        new RuleCheck(RuleNames.FAILED_CHECKS_CEILING, SUB_A, 1L, 3L),
        checkOf(afterSuccess.event(), RuleNames.FAILED_CHECKS_CEILING));
  }

  // ---- sandbox windows ----------------------------------------------------------------------

  @Test
  void sandbox_sends_count_in_windows_of_their_own_and_never_use_up_a_live_subject_or_ip() {
    final AppSettings cfg =
        settings(VERSION, b -> b.setSendsPerSubject(TWO_PER_MINUTE).setSendsPerIp(TWO_PER_MINUTE));
    assertEquals(
        Outcome.STARTED,
        rig.request(sandbox(send(id(), T0, IP1, cfg, SUB_A, "t1", FR_MOBILE)))
            .reply()
            .getOutcome());
    assertEquals(
        Outcome.STARTED,
        rig.request(sandbox(send(id(), T0, IP1, cfg, SUB_A, "t2", FR_MOBILE)))
            .reply()
            .getOutcome());
    final Out sandboxThird = rig.request(sandbox(send(id(), T0, IP1, cfg, SUB_A, "t3", FR_MOBILE)));

    final Out live = rig.request(send(id(), T0.plusSeconds(1), IP1, cfg, SUB_A, "live", FR_MOBILE));

    assertEquals(Outcome.RATE_LIMITED, sandboxThird.reply().getOutcome());
    assertStarted(live);
    assertEquals(
        new RuleCheck(RuleNames.SENDS_PER_IP, IP1, 1L, 2L),
        checkOf(live.event(), RuleNames.SENDS_PER_IP));
    assertEquals(
        new RuleCheck(RuleNames.SENDS_PER_SUBJECT, SUB_A, 1L, 2L),
        checkOf(live.event(), RuleNames.SENDS_PER_SUBJECT));
  }

  // ---- a second subject ---------------------------------------------------------------------

  @Test
  void
      a_send_to_a_phone_and_an_email_is_counted_against_both_subjects_and_refused_when_the_email_is_full() {
    final AppSettings cfg = settings(VERSION, b -> b.setSendsPerSubject(TWO_PER_MINUTE));
    final Out first =
        rig.request(twoDestinations(send(id(), T0, IP1, cfg, SUB_A, "s1", FR_MOBILE), SUB_C));
    assertEquals(
        Outcome.STARTED,
        rig.request(twoDestinations(send(id(), T0, IP1, cfg, SUB_B, "s2", FR_MOBILE), SUB_C))
            .reply()
            .getOutcome());

    final Out third =
        rig.request(
            twoDestinations(
                send(id(), T0.plusSeconds(5), IP1, cfg, SUB_D, "s3", FR_MOBILE), SUB_C));

    assertEquals(Outcome.STARTED, first.reply().getOutcome());
    assertEquals(2, first.deliveries().size());
    assertEquals(SUB_C, first.admitted().get(0).key(), "counted first under the email's subject");
    assertEquals(SUB_A, first.admitted().get(1).key(), "then decided under its own");
    assertEquals(
        new RuleCheck(RuleNames.SENDS_PER_SUBJECT, SUB_C, 1L, 2L),
        first.event().getChecks().stream()
            .filter(c -> c.getKey().equals(SUB_C))
            .findFirst()
            .orElseThrow());
    assertRateLimited(third, RuleNames.SENDS_PER_SUBJECT, SUB_C, 2, 2, 55);
    assertNull(rig.sessions().get("s3"));
    assertTrue(third.deliveries().isEmpty());
  }

  @Test
  void a_refusal_s_audit_detail_reads_the_same_whatever_the_default_locale() {
    final java.util.Locale before = java.util.Locale.getDefault();
    java.util.Locale.setDefault(
        java.util.Locale.forLanguageTag(
            "tr-TR")); // "VERIFIED" lower-cases to "verıfıed" in Turkish
    try {
      final AppSettings cfg = settings(VERSION, b -> b);
      assertStarted(rig.request(send(id(), T0, IP1, cfg, SUB_A, "s1", FR_MOBILE)));
      assertEquals(
          Outcome.VERIFIED,
          rig.command(check(id(), T0.plusSeconds(1), IP1, cfg, SUB_A, "s1", code("s1", 0, 6)))
              .reply()
              .getOutcome());

      final Out again =
          rig.command(check(id(), T0.plusSeconds(2), IP1, cfg, SUB_A, "s1", code("s1", 0, 6)));

      assertEquals("session verified", again.event().getDetail());
    } finally {
      java.util.Locale.setDefault(before);
    }
  }

  // ---- max_check_attempts (stage 2) ---------------------------------------------------------

  @Test
  void
      max_check_attempts_locks_on_the_last_allowed_wrong_code_and_refuses_the_right_code_after_it() {
    final AppSettings cfg = settings(VERSION, b -> b.setMaxCheckAttempts(2));
    assertStarted(rig.request(send(id(), T0, IP1, cfg, SUB_A, "s1", FR_MOBILE)));
    final String right = code("s1", 0, 6);

    final Out first =
        rig.command(check(id(), T0.plusSeconds(1), IP1, cfg, SUB_A, "s1", wrong(right)));
    final Out lastAllowed =
        rig.command(check(id(), T0.plusSeconds(2), IP1, cfg, SUB_A, "s1", wrong(right)));
    final Out refused = rig.command(check(id(), T0.plusSeconds(3), IP1, cfg, SUB_A, "s1", right));
    final Out resendRefused = rig.request(resend(id(), T0.plusSeconds(4), IP1, cfg, SUB_A, "s1"));
    assertStarted(rig.request(send(id(), T0.plusSeconds(5), IP1, cfg, SUB_A, "s2", FR_MOBILE)));
    final Out newSession =
        rig.command(check(id(), T0.plusSeconds(6), IP1, cfg, SUB_A, "s2", code("s2", 0, 6)));

    assertWrongCode(first, 1);
    assertEquals(
        new RuleCheck(RuleNames.CHECK_ATTEMPTS, "s1", 1L, 2L),
        checkOf(first.event(), RuleNames.CHECK_ATTEMPTS));
    assertEquals(Outcome.WRONG_CODE, lastAllowed.reply().getOutcome());
    assertEquals(0, lastAllowed.reply().getAttemptsRemaining());
    assertEquals(List.of(AuditType.CHECK_FAILED, AuditType.LOCKED), types(lastAllowed));
    final AuditEvent locked = lastAllowed.eventValues().get(1);
    assertEquals(
        List.of(new RuleCheck(RuleNames.CHECK_ATTEMPTS, "s1", 2L, 2L)), locked.getChecks());
    assertEquals(VERSION, locked.getSettingsVersion());
    assertEquals(SessionStatus.LOCKED, rig.sessions().get("s1").getStatus());

    assertEquals(Outcome.LOCKED, refused.reply().getOutcome());
    assertEquals(0, refused.reply().getAttemptsRemaining());
    assertEquals(VERSION, refused.reply().getSettingsVersion());
    assertEquals(AuditType.REFUSED, refused.event().getType());
    assertEquals(Outcome.LOCKED, refused.event().getOutcome());
    assertEquals("session locked", refused.event().getDetail());
    assertEquals(VERSION, refused.event().getSettingsVersion());
    assertEquals(Outcome.LOCKED, resendRefused.reply().getOutcome());
    assertTrue(resendRefused.deliveries().isEmpty());
    assertEquals(
        Outcome.VERIFIED,
        newSession.reply().getOutcome(),
        "the lock is the session's, not the subject's");
  }

  // ---- otp_length ---------------------------------------------------------------------------

  @Test
  void otp_length_8_from_the_settings_is_delivered_and_the_8_digit_code_verifies() {
    final AppSettings cfg = settings(VERSION, b -> b.setOtpLength(8));

    final Out sent = rig.request(send(id(), T0, IP1, cfg, SUB_A, "s1", FR_MOBILE));
    final Out six =
        rig.command(check(id(), T0.plusSeconds(1), IP1, cfg, SUB_A, "s1", code("s1", 0, 6)));
    final Out eight =
        rig.command(check(id(), T0.plusSeconds(2), IP1, cfg, SUB_A, "s1", code("s1", 0, 8)));

    assertStarted(sent);
    assertEquals(8, sent.deliveries().get(0).getOtpLength());
    assertEquals(8, code("s1", 0, 8).length());
    assertEquals(Outcome.WRONG_CODE, six.reply().getOutcome());
    assertEquals(Outcome.VERIFIED, eight.reply().getOutcome());
  }

  // ---- expiry_seconds -----------------------------------------------------------------------

  @Test
  void expiry_120_seconds_from_the_settings_expires_the_session_at_exactly_120_seconds() {
    final AppSettings cfg = settings(VERSION, b -> b.setExpirySeconds(120));

    final Out sent = rig.request(send(id(), T0, IP1, cfg, SUB_A, "s1", FR_MOBILE));
    final String right = code("s1", 0, 6);
    final Out before =
        rig.command(
            check(id(), T0.plusSeconds(120).minusMillis(1), IP1, cfg, SUB_A, "s1", wrong(right)));
    final Out at = rig.command(check(id(), T0.plusSeconds(120), IP1, cfg, SUB_A, "s1", right));

    assertEquals(T0.plusSeconds(120), sent.reply().getExpiresAt());
    assertEquals(T0.plusSeconds(120), sent.deliveries().get(0).getExpiresAt());
    assertWrongCode(before, 9);
    assertEquals(Outcome.EXPIRED, at.reply().getOutcome());
    assertEquals(AuditType.EXPIRED, at.event().getType());
    assertEquals(VERSION, at.event().getSettingsVersion());
  }

  @Test
  void a_resend_extends_expiry_to_the_resend_time_plus_120_seconds() {
    final AppSettings cfg = settings(VERSION, b -> b.setExpirySeconds(120));
    assertStarted(rig.request(send(id(), T0, IP1, cfg, SUB_A, "s1", FR_MOBILE)));
    assertStarted(rig.request(send(id(), T0, IP1, cfg, SUB_B, "s2", FR_MOBILE)));

    final Out resent = rig.request(resend(id(), T0.plusSeconds(50), IP1, cfg, SUB_A, "s1"));
    rig.request(resend(id(), T0.plusSeconds(50), IP1, cfg, SUB_B, "s2"));
    final String right = code("s1", 1, 6);
    final Out pastTheOriginalExpiry =
        rig.command(
            check(id(), T0.plusSeconds(170).minusMillis(1), IP1, cfg, SUB_A, "s1", wrong(right)));
    final Out at = rig.command(check(id(), T0.plusSeconds(170), IP1, cfg, SUB_A, "s1", right));
    final Out verifies =
        rig.command(check(id(), T0.plusSeconds(150), IP1, cfg, SUB_B, "s2", code("s2", 1, 6)));

    assertResent(resent, 1);
    assertEquals(T0.plusSeconds(170), resent.reply().getExpiresAt());
    assertEquals(T0.plusSeconds(170), resent.deliveries().get(0).getExpiresAt());
    assertWrongCode(pastTheOriginalExpiry, 9);
    assertEquals(Outcome.EXPIRED, at.reply().getOutcome());
    assertEquals(Outcome.VERIFIED, verifies.reply().getOutcome());
  }

  // ---- allowed_countries (stage 1) ----------------------------------------------------------

  @Test
  void allowed_countries_admits_a_french_number_and_refuses_a_us_number_without_any_delivery() {
    final AppSettings cfg =
        settings(VERSION, b -> b.setAllowedCountries(List.of("FR")).setSendsPerIp(TWO_PER_MINUTE));

    final Out french = rig.request(send(id(), T0, IP1, cfg, SUB_A, "s-fr", FR_MOBILE));
    final Out us = rig.request(send(id(), T0.plusSeconds(1), IP1, cfg, SUB_B, "s-us", US_NUMBER));
    final Out secondFrench =
        rig.request(send(id(), T0.plusSeconds(2), IP1, cfg, SUB_C, "s-fr2", "+33612345679"));

    assertStarted(french);
    assertEquals(FR_MOBILE, french.deliveries().get(0).getDestination());
    assertRefusedDestination(us, RuleNames.ALLOWED_COUNTRIES, "s-us", SUB_B);
    assertStarted(secondFrench);
    assertEquals(
        new RuleCheck(RuleNames.SENDS_PER_IP, IP1, 2L, 2L),
        checkOf(secondFrench.event(), RuleNames.SENDS_PER_IP),
        "a refused destination does not use the IP's sends");
  }

  // ---- premium_rate (stage 1) ---------------------------------------------------------------

  @Test
  void premium_rate_and_shared_cost_numbers_are_refused_even_in_an_allowed_country() {
    final String premium = e164("GB", PhoneNumberType.PREMIUM_RATE);
    final String sharedCost = e164("FR", PhoneNumberType.SHARED_COST);
    final String mobile = e164("GB", PhoneNumberType.MOBILE);
    assertEquals(
        PhoneNumberType.PREMIUM_RATE, PHONES.getNumberType(parse(premium)), "precondition");
    final AppSettings anywhere = settings(VERSION, b -> b);
    final AppSettings onlyGb = settings(VERSION, b -> b.setAllowedCountries(List.of("GB")));

    final Out refused = rig.request(send(id(), T0, IP1, anywhere, SUB_A, "s-premium", premium));
    final Out refusedInGb =
        rig.request(send(id(), T0, IP1, onlyGb, SUB_A, "s-premium-gb", premium));
    final Out shared = rig.request(send(id(), T0, IP1, anywhere, SUB_B, "s-shared", sharedCost));
    final Out ordinary = rig.request(send(id(), T0, IP1, anywhere, SUB_C, "s-mobile", mobile));

    assertRefusedDestination(refused, RuleNames.PREMIUM_RATE, "s-premium", SUB_A);
    assertRefusedDestination(refusedInGb, RuleNames.PREMIUM_RATE, "s-premium-gb", SUB_A);
    assertRefusedDestination(shared, RuleNames.PREMIUM_RATE, "s-shared", SUB_B);
    assertStarted(ordinary);
  }

  // ---- the checks of an admitted decision ---------------------------------------------------

  @Test
  void
      an_admitted_send_audits_the_stage_1_ip_check_and_the_stage_2_subject_check_with_counts_after_admission() {
    final AppSettings cfg =
        settings(
            VERSION,
            b -> b.setSendsPerIp(new Limit(5, 3600)).setSendsPerSubject(new Limit(3, 3600)));

    final Out a1 = rig.request(send(id(), T0, IP1, cfg, SUB_A, "s1", FR_MOBILE));
    final Out b1 = rig.request(send(id(), T0.plusSeconds(1), IP1, cfg, SUB_B, "s2", FR_MOBILE));
    final Out a2 = rig.request(send(id(), T0.plusSeconds(2), IP2, cfg, SUB_A, "s3", FR_MOBILE));

    assertEquals(
        List.of(
            new RuleCheck(RuleNames.SENDS_PER_IP, IP1, 1L, 5L),
            new RuleCheck(RuleNames.SENDS_PER_SUBJECT, SUB_A, 1L, 3L)),
        a1.event().getChecks());
    assertEquals(
        List.of(
            new RuleCheck(RuleNames.SENDS_PER_IP, IP1, 2L, 5L),
            new RuleCheck(RuleNames.SENDS_PER_SUBJECT, SUB_B, 1L, 3L)),
        b1.event().getChecks());
    assertEquals(
        List.of(
            new RuleCheck(RuleNames.SENDS_PER_IP, IP2, 1L, 5L),
            new RuleCheck(RuleNames.SENDS_PER_SUBJECT, SUB_A, 2L, 3L)),
        a2.event().getChecks());
    assertEquals(AuditType.SESSION_STARTED, a2.event().getType());
    // what stage 1 forwarded: keyed by subject, carrying its check
    assertEquals(1, b1.admitted().size());
    assertEquals(SUB_B, b1.admitted().get(0).key());
    final OtpRequested forwarded = (OtpRequested) b1.admitted().get(0).value().getCommand();
    assertEquals(
        List.of(new RuleCheck(RuleNames.SENDS_PER_IP, IP1, 2L, 5L)),
        forwarded.getMeta().getChecks());
    assertEquals(T0.plusSeconds(1), b1.admitted().get(0).getRecordTime());
  }

  @Test
  void an_admitted_resend_audits_the_ip_the_session_and_the_subject_checks() {
    final AppSettings cfg =
        settings(
            VERSION,
            b ->
                b.setResendsPerIp(new Limit(4, 600))
                    .setMaxResendsPerSession(3)
                    .setResendsPerSubject(new Limit(5, 600)));
    assertStarted(rig.request(send(id(), T0, IP1, cfg, SUB_A, "s1", FR_MOBILE)));

    final Out out = rig.request(resend(id(), T0.plusSeconds(1), IP2, cfg, SUB_A, "s1"));

    assertResent(out, 1);
    assertEquals(
        List.of(
            new RuleCheck(RuleNames.RESENDS_PER_IP, IP2, 1L, 4L),
            new RuleCheck(RuleNames.RESENDS_PER_SESSION, "s1", 1L, 3L),
            new RuleCheck(RuleNames.RESENDS_PER_SUBJECT, SUB_A, 1L, 5L)),
        out.event().getChecks());
  }

  // ---- out-of-order event times --------------------------------------------------------------
  // Two api instances stamp occurred_at with their own clocks, so one key's commands can reach
  // the processor out of event-time order.

  @Test
  void retry_after_is_exact_when_sends_of_one_ip_arrive_out_of_event_time_order() {
    final AppSettings cfg = settings(VERSION, b -> b.setSendsPerIp(TWO_PER_MINUTE));
    assertStarted(rig.request(send(id(), T0.plusSeconds(10), IP1, cfg, SUB_A, "s1", FR_MOBILE)));
    assertStarted(
        rig.request(
            send(id(), T0.plusSeconds(5), IP1, cfg, SUB_B, "s2", FR_MOBILE))); // stamped earlier

    final Out refused =
        rig.request(send(id(), T0.plusSeconds(20), IP1, cfg, SUB_C, "s3", FR_MOBILE));
    final Out atSlide =
        rig.request(send(id(), T0.plusSeconds(65), IP1, cfg, SUB_C, "s4", FR_MOBILE));

    // the oldest send (T0 + 5 s) slides out at T0 + 65 s, and a send is indeed admitted then
    assertStarted(atSlide);
    assertRateLimited(refused, RuleNames.SENDS_PER_IP, IP1, 2, 2, 45);
  }

  @Test
  void
      housekeeping_never_forgets_an_event_still_inside_its_window_when_events_arrived_out_of_order() {
    final AppSettings cfg = settings(VERSION, b -> b.setSendsPerIp(new Limit(2, 600)));
    assertStarted(rig.request(send(id(), T0.plusSeconds(100), IP1, cfg, SUB_A, "s1", FR_MOBILE)));
    assertStarted(
        rig.request(
            send(id(), T0.plusSeconds(50), IP1, cfg, SUB_B, "s2", FR_MOBILE))); // stamped earlier
    // other traffic moves stream time on: housekeeping runs at T0 + 650 s, when T0 + 100 s still
    // counts
    rig.request(send(id(), T0.plusSeconds(650), IP2, cfg, SUB_D, "s-other", FR_MOBILE));

    final Out third =
        rig.request(send(id(), T0.plusSeconds(660), IP1, cfg, SUB_C, "s3", FR_MOBILE));
    final Out fourth =
        rig.request(send(id(), T0.plusSeconds(661), IP1, cfg, SUB_C, "s4", FR_MOBILE));

    assertStarted(third);
    // T0 + 100 s and T0 + 660 s are both inside the 600 s window at T0 + 661 s; T0 + 100 s slides
    // out at T0 + 700 s
    assertRateLimited(fourth, RuleNames.SENDS_PER_IP, IP1, 2, 2, 39);
  }

  // ---- helpers ------------------------------------------------------------------------------

  private String id() {
    return "req-" + ++requests;
  }

  private static io.otpstream.schemas.command.OtpCommand sandbox(
      final io.otpstream.schemas.command.OtpCommand c) {
    ((OtpRequested) c.getCommand()).getMeta().setSandbox(true);
    return c;
  }

  private static io.otpstream.schemas.command.OtpCommand twoDestinations(
      final io.otpstream.schemas.command.OtpCommand c, final String emailSubject) {
    final OtpRequested r = (OtpRequested) c.getCommand();
    r.setChannels(List.of(Channel.SMS, Channel.EMAIL));
    r.setEmailTo("someone@example.com");
    r.setSecondarySubjectId(emailSubject);
    return c;
  }

  private static void assertStarted(final Out out) {
    final OtpDecision reply = out.reply();
    assertEquals(Outcome.STARTED, reply.getOutcome(), () -> "reply " + reply);
    assertEquals(VERSION, reply.getSettingsVersion());
    assertNull(reply.getRule());
    assertEquals(AuditType.SESSION_STARTED, out.event().getType());
    assertEquals(VERSION, out.event().getSettingsVersion());
    assertEquals(1, out.deliveries().size());
    assertEquals(Channel.SMS, out.deliveries().get(0).getChannel());
  }

  private static void assertResent(final Out out, final int generation) {
    final OtpDecision reply = out.reply();
    assertEquals(Outcome.RESENT, reply.getOutcome(), () -> "reply " + reply);
    assertEquals(VERSION, reply.getSettingsVersion());
    assertEquals(AuditType.RESENT, out.event().getType());
    assertEquals(generation, out.event().getGeneration());
    final List<DeliveryRequested> d = out.deliveries();
    assertEquals(1, d.size());
    assertEquals(generation, d.get(0).getGeneration());
  }

  private static void assertWrongCode(final Out out, final int attemptsRemaining) {
    assertEquals(Outcome.WRONG_CODE, out.reply().getOutcome(), () -> "reply " + out.reply());
    assertEquals(attemptsRemaining, out.reply().getAttemptsRemaining());
    assertEquals(AuditType.CHECK_FAILED, out.eventValues().get(0).getType());
  }

  /**
   * RATE_LIMITED by {@code rule}, Retry-After exact, audited LIMIT_EXCEEDED with the settings
   * version.
   */
  private static void assertRateLimited(
      final Out out,
      final String rule,
      final String key,
      final long count,
      final long limit,
      final int retryAfterSeconds) {
    final OtpDecision reply = out.reply();
    assertEquals(Outcome.RATE_LIMITED, reply.getOutcome(), () -> "reply " + reply);
    assertEquals(rule, reply.getRule());
    assertEquals(retryAfterSeconds, reply.getRetryAfterSeconds(), "retry_after_seconds");
    assertEquals(VERSION, reply.getSettingsVersion());
    assertNull(reply.getSandboxCode());
    final AuditEvent e = out.event();
    assertEquals(AuditType.LIMIT_EXCEEDED, e.getType());
    assertEquals(Outcome.RATE_LIMITED, e.getOutcome());
    assertEquals(reply.getRequestId(), e.getRequestId());
    assertEquals(rule, e.getRule());
    assertEquals(key, e.getLimitKey());
    assertEquals(count, e.getCount());
    assertEquals(limit, e.getLimit());
    assertEquals(VERSION, e.getSettingsVersion());
    assertEquals(
        new RuleCheck(rule, key, count, limit), e.getChecks().get(e.getChecks().size() - 1));
    assertTrue(out.deliveries().isEmpty(), "no delivery");
  }

  /** Refused in stage 1: nothing reaches otp.commands. */
  private static void assertRefusedInStage1(final Out out, final String sessionId) {
    assertTrue(out.admitted().isEmpty(), "forwarded to otp.commands: " + out.admitted());
    assertEquals(sessionId, out.reply().getSessionId());
  }

  private void assertRefusedDestination(
      final Out out, final String rule, final String sessionId, final String subject) {
    final OtpDecision reply = out.reply();
    assertEquals(Outcome.REFUSED, reply.getOutcome(), () -> "reply " + reply);
    assertEquals(rule, reply.getRule());
    assertNull(reply.getRetryAfterSeconds());
    assertEquals(VERSION, reply.getSettingsVersion());
    assertRefusedInStage1(out, sessionId);
    assertNull(rig.sessions().get(sessionId));
    assertTrue(out.deliveries().isEmpty());
    final AuditEvent e = out.event();
    assertEquals(AuditType.REFUSED, e.getType());
    assertEquals(Outcome.REFUSED, e.getOutcome());
    assertEquals(subject, e.getSubjectId());
    assertEquals(IP1, e.getClientIp());
    assertEquals(rule, e.getRule());
    // the refused channel; one send attempted where none may go
    assertEquals("sms", e.getLimitKey());
    assertEquals(1L, e.getCount());
    assertEquals(0L, e.getLimit());
    assertEquals(VERSION, e.getSettingsVersion());
    assertEquals(List.of(new RuleCheck(rule, "sms", 1L, 0L)), e.getChecks());
  }

  private static RuleCheck checkOf(final AuditEvent e, final String rule) {
    final List<RuleCheck> found =
        e.getChecks().stream().filter(c -> c.getRule().equals(rule)).toList();
    assertEquals(1, found.size(), () -> rule + " in " + e.getChecks());
    return found.get(0);
  }

  private static List<AuditType> types(final Out out) {
    return out.eventValues().stream().map(AuditEvent::getType).toList();
  }

  private static String e164(final String region, final PhoneNumberType type) {
    final var n = PHONES.getExampleNumberForType(region, type);
    assertNotNull(n, () -> "no example " + type + " number for " + region);
    return PHONES.format(n, PhoneNumberFormat.E164);
  }

  private static com.google.i18n.phonenumbers.Phonenumber.PhoneNumber parse(final String e164) {
    try {
      return PHONES.parse(e164, "ZZ");
    } catch (com.google.i18n.phonenumbers.NumberParseException e) {
      throw new AssertionError(e);
    }
  }
}
