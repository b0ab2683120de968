package io.otpstream.processor.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.otpstream.common.code.OtpCodes;
import io.otpstream.common.secret.Secrets;
import io.otpstream.common.settings.DefaultSettings;
import io.otpstream.processor.decision.CommandParts;
import io.otpstream.processor.topology.Names;
import io.otpstream.processor.topology.OtpTopology;
import io.otpstream.schemas.apps.AppSettings;
import io.otpstream.schemas.apps.Limit;
import io.otpstream.schemas.audit.AuditEvent;
import io.otpstream.schemas.audit.AuditType;
import io.otpstream.schemas.command.CommandMeta;
import io.otpstream.schemas.command.OtpCheckRequested;
import io.otpstream.schemas.command.OtpCommand;
import io.otpstream.schemas.command.OtpRequested;
import io.otpstream.schemas.command.OtpRetried;
import io.otpstream.schemas.command.SubmittedCode;
import io.otpstream.schemas.common.Channel;
import io.otpstream.schemas.decision.OtpDecision;
import io.otpstream.schemas.decision.Outcome;
import io.otpstream.schemas.delivery.DeliveryRequested;
import io.otpstream.schemas.limits.RuleCheck;
import io.otpstream.schemas.rules.RuleNames;
import io.otpstream.schemas.session.SessionState;
import io.otpstream.schemas.topics.Topics;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The session rules end to end through the processor topology: commands in on otp.commands (stage
 * 2, keyed by subject), replies, deliveries and audit events out, with event times set on every
 * command. Commands carry {@link #SETTINGS}: the defaults without a resend cooldown and with
 * generous per-subject windows, so these tests exercise the session rules themselves; the limits
 * have their own boundary tests ({@code RuleBoundaryTest}).
 */
class SessionTopologyTest {
  private static final String APP = "app-1";
  private static final String SUBJECT = "subject-1";
  private static final String SESSION = "session-1";
  private static final String PHONE = "+15551234567";
  private static final String EMAIL = "user@example.com";
  private static final String CLIENT_IP = "203.0.113.7";
  private static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");
  private static final Duration EXPIRY = Duration.ofSeconds(600);
  private static final Duration RETENTION = Duration.ofHours(1);

  /**
   * The built-in settings, minus the resend cooldown, with per-subject windows that never bind
   * here.
   */
  private static final AppSettings SETTINGS =
      AppSettings.newBuilder(DefaultSettings.of(APP))
          .setResendCooldownSeconds(0)
          .setSendsPerSubject(new Limit(1_000, 3600))
          .setResendsPerSubject(new Limit(1_000, 600))
          .setFailedChecksPerSubject(new Limit(1_000, 3600))
          .build();

  private final OtpCodes codes = new OtpCodes(new Secrets(new byte[32]));
  private final Topics topics = Topics.defaults();
  private final List<Harness> harnesses = new ArrayList<>();

  @TempDir Path stateDir;

  private Harness h;

  @BeforeEach
  void setUp() {
    h = newHarness();
  }

  @AfterEach
  void tearDown() {
    harnesses.forEach(x -> x.driver.close());
  }

  // ---- 1. send ------------------------------------------------------------------------------

  @Test
  void send_replies_started_with_expiry_600_seconds_later_and_5_attempts() {
    final Out out = h.send(T0);

    final OtpDecision reply = out.reply();
    assertEquals(Outcome.STARTED, reply.getOutcome());
    assertEquals(SESSION, reply.getSessionId());
    assertEquals(T0, reply.getDecidedAt());
    assertEquals(T0.plus(EXPIRY), reply.getExpiresAt());
    assertEquals(5, reply.getAttemptsRemaining());
    assertEquals(List.of(Channel.SMS, Channel.EMAIL), reply.getChannels());
    assertEquals(0, reply.getReplyPartition());
    assertEquals(out.replyKey(), reply.getRequestId());
  }

  @Test
  void send_requests_one_generation_0_delivery_per_channel() {
    final Out out = h.send(T0);

    assertEquals(1, out.sms().size());
    assertEquals(1, out.email().size());
    final DeliveryRequested sms = out.sms().get(0);
    assertDelivery(sms, Channel.SMS, PHONE, 0, 6, T0, T0.plus(EXPIRY));
    assertEquals(SESSION + ":0:sms", sms.getDeliveryId());
    final DeliveryRequested email = out.email().get(0);
    assertDelivery(email, Channel.EMAIL, EMAIL, 0, 6, T0, T0.plus(EXPIRY));
    assertEquals(SESSION + ":0:email", email.getDeliveryId());
  }

  @Test
  void send_audits_one_session_started_event() {
    final Out out = h.send(T0);

    assertEquals(List.of(AuditType.SESSION_STARTED), types(out.events()));
    final AuditEvent e = out.events().get(0);
    assertEquals(Outcome.STARTED, e.getOutcome());
    assertEquals(SESSION, e.getSessionId());
    assertEquals(SUBJECT, e.getSubjectId());
    assertEquals(APP, e.getAppId());
    assertEquals(0, e.getGeneration());
    assertEquals(T0, e.getOccurredAt());
  }

  @Test
  void live_session_never_puts_the_code_in_a_reply_delivery_audit_event_or_the_store() {
    final String code = code(0);
    final Out sent = h.send(T0);
    final Out wrong = h.check(T0.plusSeconds(5), wrongCode(code));
    final Out verified = h.check(T0.plusSeconds(10), code);

    assertNull(sent.reply().getSandboxCode());
    assertNull(wrong.reply().getSandboxCode());
    assertNull(verified.reply().getSandboxCode());
    for (final Out out : List.of(sent, wrong, verified)) {
      out.all().forEach(r -> assertFalse(r.toString().contains(code), () -> "code leaked in " + r));
    }
    final SessionState state = h.session(SESSION);
    assertNotNull(state);
    assertFalse(state.toString().contains(code), () -> "code stored in " + state);
  }

  // ---- 2. verify ----------------------------------------------------------------------------

  @Test
  void right_code_verifies_and_audits_verified() {
    h.send(T0);

    final Out out = h.check(T0.plusSeconds(30), code(0));

    assertEquals(Outcome.VERIFIED, out.reply().getOutcome());
    assertEquals(List.of(AuditType.VERIFIED), types(out.events()));
    assertEquals(Outcome.VERIFIED, out.events().get(0).getOutcome());
    assertTrue(out.sms().isEmpty() && out.email().isEmpty());
  }

  @Test
  void second_check_after_verification_is_already_verified() {
    h.send(T0);
    h.check(T0.plusSeconds(30), code(0));

    final Out again = h.check(T0.plusSeconds(31), code(0));
    final Out againWrong = h.check(T0.plusSeconds(32), wrongCode(code(0)));

    assertEquals(Outcome.ALREADY_VERIFIED, again.reply().getOutcome());
    assertEquals(Outcome.ALREADY_VERIFIED, againWrong.reply().getOutcome());
    assertFalse(types(again.events()).contains(AuditType.VERIFIED));
  }

  // ---- 3. wrong codes and lock --------------------------------------------------------------

  @Test
  void four_wrong_codes_count_attempts_remaining_down_from_4_to_1() {
    h.send(T0);
    final String wrong = wrongCode(code(0));

    for (int i = 1; i <= 4; i++) {
      final Out out = h.check(T0.plusSeconds(i), wrong);
      assertEquals(Outcome.WRONG_CODE, out.reply().getOutcome(), "check " + i);
      assertEquals(5 - i, out.reply().getAttemptsRemaining(), "check " + i);
      assertEquals(List.of(AuditType.CHECK_FAILED), types(out.events()), "check " + i);
    }
  }

  @Test
  void fifth_wrong_code_leaves_0_attempts_and_audits_check_failed_and_locked() {
    h.send(T0);
    final String wrong = wrongCode(code(0));
    for (int i = 1; i <= 4; i++) {
      h.check(T0.plusSeconds(i), wrong);
    }

    final Out fifth = h.check(T0.plusSeconds(5), wrong);

    assertEquals(Outcome.WRONG_CODE, fifth.reply().getOutcome());
    assertEquals(0, fifth.reply().getAttemptsRemaining());
    assertEquals(List.of(AuditType.CHECK_FAILED, AuditType.LOCKED), types(fifth.events()));
    // the attempts rule now travels in `checks` (rule, key = session, count after this check,
    // limit)
    final AuditEvent locked = fifth.events().get(1);
    assertEquals(
        List.of(new RuleCheck(RuleNames.CHECK_ATTEMPTS, SESSION, 5L, 5L)), locked.getChecks());
    assertTrue(
        fifth
            .events()
            .get(0)
            .getChecks()
            .contains(new RuleCheck(RuleNames.CHECK_ATTEMPTS, SESSION, 5L, 5L)));
  }

  @Test
  void locked_session_refuses_even_the_right_code() {
    lockDefaultSession();

    final Out out = h.check(T0.plusSeconds(10), code(0));

    assertEquals(Outcome.LOCKED, out.reply().getOutcome());
    assertFalse(types(out.events()).contains(AuditType.VERIFIED));
  }

  @Test
  void resend_of_a_locked_session_is_locked_and_delivers_nothing() {
    lockDefaultSession();

    final Out out = h.resend(T0.plusSeconds(10));

    assertEquals(Outcome.LOCKED, out.reply().getOutcome());
    assertTrue(out.sms().isEmpty());
    assertTrue(out.email().isEmpty());
  }

  // ---- 4. resend ----------------------------------------------------------------------------

  @Test
  void resend_delivers_generation_1_and_moves_expiry_to_resend_time_plus_600_seconds() {
    h.send(T0);
    final Instant t = T0.plusSeconds(90);

    final Out out = h.resend(t);

    assertEquals(Outcome.RESENT, out.reply().getOutcome());
    assertEquals(t.plus(EXPIRY), out.reply().getExpiresAt());
    assertEquals(5, out.reply().getAttemptsRemaining());
    assertEquals(1, out.sms().size());
    assertEquals(1, out.email().size());
    assertDelivery(out.sms().get(0), Channel.SMS, PHONE, 1, 6, t, t.plus(EXPIRY));
    assertEquals(SESSION + ":1:sms", out.sms().get(0).getDeliveryId());
    assertDelivery(out.email().get(0), Channel.EMAIL, EMAIL, 1, 6, t, t.plus(EXPIRY));
    assertEquals(SESSION + ":1:email", out.email().get(0).getDeliveryId());
    assertEquals(List.of(AuditType.RESENT), types(out.events()));
    assertEquals(1, out.events().get(0).getGeneration());
  }

  @Test
  void resend_extends_the_session_past_the_original_expiry() {
    h.send(T0);
    h.resend(T0.plusSeconds(300));

    final Out out = h.check(T0.plus(EXPIRY).plusSeconds(1), code(1));

    assertEquals(Outcome.VERIFIED, out.reply().getOutcome());
  }

  @Test
  void after_resend_the_old_code_fails_and_the_new_code_verifies() {
    h.send(T0);
    h.resend(T0.plusSeconds(60));
    assertNotEquals(code(0), code(1), "precondition: generations have different codes");

    final Out old = h.check(T0.plusSeconds(61), code(0));
    final Out fresh = h.check(T0.plusSeconds(62), code(1));

    assertEquals(Outcome.WRONG_CODE, old.reply().getOutcome());
    assertEquals(4, old.reply().getAttemptsRemaining());
    assertEquals(Outcome.VERIFIED, fresh.reply().getOutcome());
  }

  @Test
  void resend_resets_failed_attempts() {
    h.send(T0);
    final String wrong = wrongCode(code(0));
    for (int i = 1; i <= 4; i++) {
      h.check(T0.plusSeconds(i), wrong);
    }
    h.resend(T0.plusSeconds(10));

    final Out out = h.check(T0.plusSeconds(11), wrongCode(code(1)));

    assertEquals(Outcome.WRONG_CODE, out.reply().getOutcome());
    assertEquals(4, out.reply().getAttemptsRemaining());
    assertEquals(List.of(AuditType.CHECK_FAILED), types(out.events()));
  }

  // ---- 5. resend limit ----------------------------------------------------------------------

  @Test
  void third_resend_is_allowed_and_fourth_is_rate_limited_without_delivery() {
    h.send(T0);
    for (int i = 1; i <= 3; i++) {
      final Out resent = h.resend(T0.plusSeconds(10L * i));
      assertEquals(Outcome.RESENT, resent.reply().getOutcome(), "resend " + i);
      assertEquals(i, resent.sms().get(0).getGeneration(), "resend " + i);
    }

    final Instant t4 = T0.plusSeconds(40);
    final Out fourth = h.resend(t4);

    final OtpDecision reply = fourth.reply();
    assertEquals(Outcome.RATE_LIMITED, reply.getOutcome());
    assertEquals(RuleNames.RESENDS_PER_SESSION, reply.getRule());
    assertEquals("max_resends_per_session", reply.getRule());
    assertNotNull(reply.getRetryAfterSeconds());
    assertTrue(
        reply.getRetryAfterSeconds() > 0, "retry_after_seconds " + reply.getRetryAfterSeconds());
    assertTrue(fourth.sms().isEmpty());
    assertTrue(fourth.email().isEmpty());
    assertEquals(List.of(AuditType.LIMIT_EXCEEDED), types(fourth.events()));
    final AuditEvent limit = fourth.events().get(0);
    assertEquals(RuleNames.RESENDS_PER_SESSION, limit.getRule());
    assertEquals(SESSION, limit.getLimitKey());
    assertEquals(3L, limit.getCount());
    assertEquals(3L, limit.getLimit());
  }

  @Test
  void rate_limited_resend_keeps_the_third_generation_code_valid() {
    h.send(T0);
    for (int i = 1; i <= 4; i++) {
      h.resend(T0.plusSeconds(10L * i));
    }

    final Out out = h.check(T0.plusSeconds(50), code(3));

    assertEquals(Outcome.VERIFIED, out.reply().getOutcome());
  }

  // ---- 6. expiry ----------------------------------------------------------------------------

  @Test
  void check_at_exactly_expires_at_is_expired() {
    final Instant expiresAt = h.send(T0).reply().getExpiresAt();

    final Out out = h.check(expiresAt, code(0));

    assertEquals(Outcome.EXPIRED, out.reply().getOutcome());
    assertEquals(List.of(AuditType.EXPIRED), types(out.events()));
  }

  @Test
  void check_after_expires_at_is_expired_until_the_session_is_retained_no_longer() {
    final Instant expiresAt = h.send(T0).reply().getExpiresAt();

    final Out out = h.check(expiresAt.plus(RETENTION).minusMillis(1), code(0));

    assertEquals(Outcome.EXPIRED, out.reply().getOutcome());
    assertEquals(List.of(AuditType.EXPIRED), types(out.events()));
  }

  @Test
  void check_one_hour_after_expires_at_is_not_found() {
    final Instant expiresAt = h.send(T0).reply().getExpiresAt();

    final Out out = h.check(expiresAt.plus(RETENTION), code(0));

    assertEquals(Outcome.NOT_FOUND, out.reply().getOutcome());
    assertEquals(SESSION, out.reply().getSessionId());
    assertNull(out.reply().getExpiresAt());
    assertEquals(List.of(AuditType.NOT_FOUND), types(out.events()));
  }

  @Test
  void right_code_one_millisecond_before_expiry_verifies() {
    final Instant expiresAt = h.send(T0).reply().getExpiresAt();

    final Out out = h.check(expiresAt.minusMillis(1), code(0));

    assertEquals(Outcome.VERIFIED, out.reply().getOutcome());
  }

  @Test
  void resend_after_expiry_is_expired_and_delivers_nothing() {
    final Instant expiresAt = h.send(T0).reply().getExpiresAt();

    final Out atExpiry = h.resend(expiresAt);
    final Out after = h.resend(expiresAt.plusSeconds(60));

    assertEquals(Outcome.EXPIRED, atExpiry.reply().getOutcome());
    assertEquals(Outcome.EXPIRED, after.reply().getOutcome());
    assertTrue(atExpiry.sms().isEmpty() && atExpiry.email().isEmpty());
    assertTrue(after.sms().isEmpty() && after.email().isEmpty());
  }

  // ---- 7. unknown session -------------------------------------------------------------------

  @Test
  void check_of_an_unknown_session_is_not_found() {
    h.send(T0);
    final Instant t = T0.plusSeconds(1);

    final Out out = h.pipe(t, checkCommand(h.nextRequestId(), t, "no-such-session", "123456"));

    assertEquals(Outcome.NOT_FOUND, out.reply().getOutcome());
    assertEquals("no-such-session", out.reply().getSessionId());
    assertEquals(List.of(AuditType.NOT_FOUND), types(out.events()));
  }

  @Test
  void resend_of_an_unknown_session_is_not_found() {
    final Out out = h.pipe(T0, retried(h.nextRequestId(), T0, "no-such-session", false));

    assertEquals(Outcome.NOT_FOUND, out.reply().getOutcome());
    assertTrue(out.sms().isEmpty() && out.email().isEmpty());
    assertEquals(List.of(AuditType.NOT_FOUND), types(out.events()));
  }

  // ---- 8. sandbox ---------------------------------------------------------------------------

  @Test
  void sandbox_send_returns_the_code_in_the_reply_and_delivers_nothing() {
    final Out out = h.pipe(T0, requested(h.nextRequestId(), T0, true, UnaryOperator.identity()));

    assertEquals(Outcome.STARTED, out.reply().getOutcome());
    assertEquals(codes.code(APP, SESSION, 0, 6), out.reply().getSandboxCode());
    assertTrue(out.sms().isEmpty());
    assertTrue(out.email().isEmpty());
  }

  @Test
  void sandbox_resend_returns_the_generation_1_code() {
    h.pipe(T0, requested(h.nextRequestId(), T0, true, UnaryOperator.identity()));
    final Instant t = T0.plusSeconds(30);

    final Out out = h.pipe(t, retried(h.nextRequestId(), t, SESSION, true));

    assertEquals(Outcome.RESENT, out.reply().getOutcome());
    assertEquals(codes.code(APP, SESSION, 1, 6), out.reply().getSandboxCode());
    assertNotEquals(codes.code(APP, SESSION, 0, 6), out.reply().getSandboxCode());
    assertTrue(out.sms().isEmpty());
    assertTrue(out.email().isEmpty());
  }

  @Test
  void sandbox_code_from_the_reply_verifies() {
    final String sandboxCode =
        h.pipe(T0, requested(h.nextRequestId(), T0, true, UnaryOperator.identity()))
            .reply()
            .getSandboxCode();
    final Instant t = T0.plusSeconds(5);

    final OtpCommand liveCheck = checkCommand(h.nextRequestId(), t, SESSION, sandboxCode);
    assertEquals(
        Outcome.NOT_FOUND,
        h.pipe(t, liveCheck).reply().getOutcome(),
        "a live key cannot reach a sandbox session");
    final OtpCommand sandboxCheck =
        checkCommand(h.nextRequestId(), t.plusSeconds(1), SESSION, sandboxCode);
    metaOf(sandboxCheck).setSandbox(true); // a sk_test_ key's command, as the api sends it
    final Out out = h.pipe(t.plusSeconds(1), sandboxCheck);

    assertEquals(Outcome.VERIFIED, out.reply().getOutcome());
  }

  // ---- 9. determinism -----------------------------------------------------------------------

  @Test
  void same_command_sequence_gives_equal_replies_in_two_fresh_drivers() {
    final Harness a = newHarness();
    final Harness b = newHarness();

    final List<OtpDecision> first = runScript(a);
    final List<OtpDecision> second = runScript(b);

    assertEquals(10, first.size());
    assertEquals(first, second);
    assertEquals(a.events.readValuesToList(), b.events.readValuesToList());
  }

  // ---- 10. per-request overrides ------------------------------------------------------------

  @Test
  void per_request_overrides_set_otp_length_8_and_expiry_120_seconds() {
    final Out out =
        h.pipe(
            T0,
            requested(
                h.nextRequestId(),
                T0,
                false,
                r -> r.setOtpLength(8).setExpirySeconds(120).setMaxAttempts(2)));

    assertEquals(T0.plusSeconds(120), out.reply().getExpiresAt());
    assertEquals(2, out.reply().getAttemptsRemaining());
    assertDelivery(out.sms().get(0), Channel.SMS, PHONE, 0, 8, T0, T0.plusSeconds(120));
    assertDelivery(out.email().get(0), Channel.EMAIL, EMAIL, 0, 8, T0, T0.plusSeconds(120));
  }

  @Test
  void per_request_expiry_of_120_seconds_expires_the_session_at_120_seconds() {
    h.pipe(
        T0, requested(h.nextRequestId(), T0, false, r -> r.setOtpLength(8).setExpirySeconds(120)));

    final Out before =
        h.check(T0.plusSeconds(120).minusMillis(1), wrongCode(codes.code(APP, SESSION, 0, 8)));
    final Out at = h.check(T0.plusSeconds(120), codes.code(APP, SESSION, 0, 8));

    assertEquals(Outcome.WRONG_CODE, before.reply().getOutcome());
    assertEquals(Outcome.EXPIRED, at.reply().getOutcome());
  }

  @Test
  void per_request_otp_length_8_verifies_the_8_digit_code_and_rejects_the_6_digit_one() {
    h.pipe(T0, requested(h.nextRequestId(), T0, false, r -> r.setOtpLength(8)));

    final Out six = h.check(T0.plusSeconds(1), codes.code(APP, SESSION, 0, 6));
    final Out eight = h.check(T0.plusSeconds(2), codes.code(APP, SESSION, 0, 8));

    assertEquals(Outcome.WRONG_CODE, six.reply().getOutcome());
    assertEquals(Outcome.VERIFIED, eight.reply().getOutcome());
  }

  @Test
  void per_request_max_attempts_2_locks_after_2_wrong_codes() {
    h.pipe(T0, requested(h.nextRequestId(), T0, false, r -> r.setOtpLength(8).setMaxAttempts(2)));
    final String right = codes.code(APP, SESSION, 0, 8);

    final Out first = h.check(T0.plusSeconds(1), wrongCode(right));
    final Out second = h.check(T0.plusSeconds(2), wrongCode(right));
    final Out after = h.check(T0.plusSeconds(3), right);

    assertEquals(Outcome.WRONG_CODE, first.reply().getOutcome());
    assertEquals(1, first.reply().getAttemptsRemaining());
    assertEquals(List.of(AuditType.CHECK_FAILED), types(first.events()));
    assertEquals(Outcome.WRONG_CODE, second.reply().getOutcome());
    assertEquals(0, second.reply().getAttemptsRemaining());
    assertEquals(List.of(AuditType.CHECK_FAILED, AuditType.LOCKED), types(second.events()));
    assertEquals(Outcome.LOCKED, after.reply().getOutcome());
  }

  @Test
  void out_of_range_overrides_are_clamped_instead_of_failing_the_processor() {
    final Out out =
        h.pipe(
            T0,
            requested(
                h.nextRequestId(),
                T0,
                false,
                r -> r.setOtpLength(20).setExpirySeconds(5).setMaxAttempts(0)));

    assertEquals(Outcome.STARTED, out.reply().getOutcome());
    assertEquals(T0.plusSeconds(60), out.reply().getExpiresAt());
    assertEquals(1, out.reply().getAttemptsRemaining());
    assertDelivery(out.sms().get(0), Channel.SMS, PHONE, 0, 10, T0, T0.plusSeconds(60));
  }

  // ---- 11. settings carried by the command -------------------------------------------------

  @Test
  void
      without_settings_on_the_command_the_defaults_apply_including_the_30_second_resend_cooldown() {
    final UnaryOperator<OtpCommand> noSettings =
        c -> {
          final OtpCommand copy = OtpCommand.newBuilder(c).build();
          metaOf(copy).setSettings(null);
          return copy;
        };
    h.pipe(T0, noSettings.apply(requested(h.nextRequestId(), T0, false, UnaryOperator.identity())));
    final Instant early = T0.plusSeconds(30).minusMillis(1);
    final Instant due = T0.plusSeconds(30);

    final Out refused =
        h.pipe(early, noSettings.apply(retried(h.nextRequestId(), early, SESSION, false)));
    final Out resent =
        h.pipe(due, noSettings.apply(retried(h.nextRequestId(), due, SESSION, false)));

    assertEquals(Outcome.RATE_LIMITED, refused.reply().getOutcome());
    assertEquals(RuleNames.RESEND_COOLDOWN, refused.reply().getRule());
    assertEquals(1, refused.reply().getRetryAfterSeconds());
    assertEquals(0L, refused.reply().getSettingsVersion());
    assertEquals(Outcome.RESENT, resent.reply().getOutcome());
  }

  @Test
  void the_settings_version_the_command_carries_is_echoed_in_reply_and_audit_event() {
    final OtpCommand cmd = requested(h.nextRequestId(), T0, false, UnaryOperator.identity());
    metaOf(cmd).setSettings(AppSettings.newBuilder(SETTINGS).setVersion(42).build());
    metaOf(cmd).setSettingsVersion(42);

    final Out out = h.pipe(T0, cmd);

    assertEquals(42L, out.reply().getSettingsVersion());
    assertEquals(42L, out.events().get(0).getSettingsVersion());
    assertEquals(42L, h.session(SESSION).getSettingsVersion());
  }

  // ---- helpers ------------------------------------------------------------------------------

  /** A fixed sequence touching every rule; returns the replies in order. */
  private List<OtpDecision> runScript(final Harness x) {
    final List<OtpDecision> replies = new ArrayList<>();
    replies.add(x.send(T0).reply());
    replies.add(x.check(T0.plusSeconds(1), wrongCode(code(0))).reply());
    replies.add(x.resend(T0.plusSeconds(2)).reply());
    replies.add(x.check(T0.plusSeconds(3), code(0)).reply());
    replies.add(x.resend(T0.plusSeconds(4)).reply());
    replies.add(x.resend(T0.plusSeconds(5)).reply());
    replies.add(x.resend(T0.plusSeconds(6)).reply());
    replies.add(x.check(T0.plusSeconds(7), code(3)).reply());
    replies.add(x.check(T0.plusSeconds(8), code(3)).reply());
    final Instant t9 = T0.plusSeconds(9);
    replies.add(x.pipe(t9, checkCommand(x.nextRequestId(), t9, "other-session", "000000")).reply());
    return replies;
  }

  private void lockDefaultSession() {
    h.send(T0);
    final String wrong = wrongCode(code(0));
    for (int i = 1; i <= 5; i++) {
      h.check(T0.plusSeconds(i), wrong);
    }
  }

  private String code(final int generation) {
    return codes.code(APP, SESSION, generation, 6);
  }

  /** A code of the same length that differs from {@code right}. */
  private static String wrongCode(final String right) {
    final long modulus = (long) Math.pow(10, right.length());
    return String.format("%0" + right.length() + "d", (Long.parseLong(right) + 1) % modulus);
  }

  private static List<AuditType> types(final List<AuditEvent> events) {
    return events.stream().map(AuditEvent::getType).toList();
  }

  private static void assertDelivery(
      final DeliveryRequested d,
      final Channel channel,
      final String destination,
      final int generation,
      final int otpLength,
      final Instant requestedAt,
      final Instant expiresAt) {
    assertEquals(channel, d.getChannel());
    assertEquals(destination, d.getDestination());
    assertEquals(generation, d.getGeneration());
    assertEquals(otpLength, d.getOtpLength());
    assertEquals(SESSION, d.getSessionId());
    assertEquals(SUBJECT, d.getSubjectId());
    assertEquals(APP, d.getAppId());
    assertEquals(requestedAt, d.getRequestedAt());
    assertEquals(expiresAt, d.getExpiresAt());
  }

  private static CommandMeta meta(final String requestId, final Instant at, final boolean sandbox) {
    return CommandMeta.newBuilder()
        .setRequestId(requestId)
        .setOccurredAt(at)
        .setAppId(APP)
        .setClientIp(CLIENT_IP)
        .setReplyTopic(Topics.REPLIES)
        .setReplyPartition(0)
        .setSettingsVersion(SETTINGS.getVersion())
        .setSettings(AppSettings.newBuilder(SETTINGS).build())
        .setSandbox(sandbox)
        .build();
  }

  private static CommandMeta metaOf(final OtpCommand command) {
    return CommandParts.meta(command.getCommand());
  }

  private static OtpCommand requested(
      final String requestId,
      final Instant at,
      final boolean sandbox,
      final UnaryOperator<OtpRequested.Builder> overrides) {
    final OtpRequested.Builder b =
        OtpRequested.newBuilder()
            .setMeta(meta(requestId, at, sandbox))
            .setSessionId(SESSION)
            .setSubjectId(SUBJECT)
            .setChannels(List.of(Channel.SMS, Channel.EMAIL))
            .setSmsTo(PHONE)
            .setEmailTo(EMAIL);
    return OtpCommand.newBuilder().setCommand(overrides.apply(b).build()).build();
  }

  private static OtpCommand retried(
      final String requestId, final Instant at, final String sessionId, final boolean sandbox) {
    return OtpCommand.newBuilder()
        .setCommand(
            OtpRetried.newBuilder()
                .setMeta(meta(requestId, at, sandbox))
                .setSessionId(sessionId)
                .setSubjectId(SUBJECT)
                .build())
        .build();
  }

  private OtpCommand checkCommand(
      final String requestId, final Instant at, final String sessionId, final String code) {
    final SubmittedCode submitted =
        SubmittedCode.newBuilder()
            .setChannel(Channel.SMS)
            .setMac(ByteBuffer.wrap(codes.checkMac(APP, sessionId, code)))
            .build();
    return OtpCommand.newBuilder()
        .setCommand(
            OtpCheckRequested.newBuilder()
                .setMeta(meta(requestId, at, false))
                .setSessionId(sessionId)
                .setSubjectId(SUBJECT)
                .setCodes(List.of(submitted))
                .build())
        .build();
  }

  private Harness newHarness() {
    final Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "session-topology-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(
        StreamsConfig.STATE_DIR_CONFIG, stateDir.resolve("driver-" + harnesses.size()).toString());
    final TopologyTestDriver driver =
        new TopologyTestDriver(OtpTopology.build(topics, codes), props);
    final Harness harness = new Harness(driver);
    harnesses.add(harness);
    return harness;
  }

  /** What one command led to: its reply and everything else it emitted. */
  private record Out(
      String replyKey,
      OtpDecision reply,
      List<DeliveryRequested> sms,
      List<DeliveryRequested> email,
      List<AuditEvent> events) {

    Stream<Object> all() {
      return Stream.of(Stream.<Object>of(reply), sms.stream(), email.stream(), events.stream())
          .flatMap(s -> s);
    }
  }

  /** One driver with its topics; pipes a command and collects exactly what it emitted. */
  private final class Harness {
    final TopologyTestDriver driver;
    final TestInputTopic<String, OtpCommand> commands;
    final TestOutputTopic<String, OtpDecision> replies;
    final TestOutputTopic<String, DeliveryRequested> sms;
    final TestOutputTopic<String, DeliveryRequested> email;
    final TestOutputTopic<String, AuditEvent> events;
    private int requests;

    Harness(final TopologyTestDriver driver) {
      this.driver = driver;
      this.commands =
          driver.createInputTopic(
              topics.commands.name(),
              Serdes.String().serializer(),
              topics.commands.valueSerde().serializer());
      this.replies =
          driver.createOutputTopic(
              topics.replies.name(),
              Serdes.String().deserializer(),
              topics.replies.valueSerde().deserializer());
      this.sms =
          driver.createOutputTopic(
              topics.deliverySms.name(),
              Serdes.String().deserializer(),
              topics.deliverySms.valueSerde().deserializer());
      this.email =
          driver.createOutputTopic(
              topics.deliveryEmail.name(),
              Serdes.String().deserializer(),
              topics.deliveryEmail.valueSerde().deserializer());
      this.events =
          driver.createOutputTopic(
              topics.events.name(),
              Serdes.String().deserializer(),
              topics.events.valueSerde().deserializer());
    }

    String nextRequestId() {
      return "req-" + ++requests;
    }

    Out send(final Instant at) {
      return pipe(at, requested(nextRequestId(), at, false, UnaryOperator.identity()));
    }

    Out resend(final Instant at) {
      return pipe(at, retried(nextRequestId(), at, SESSION, false));
    }

    Out check(final Instant at, final String code) {
      return pipe(at, checkCommand(nextRequestId(), at, SESSION, code));
    }

    /** Pipes one command with {@code at} as its record timestamp; expects exactly one reply. */
    Out pipe(final Instant at, final OtpCommand command) {
      commands.pipeInput(SUBJECT, command, at);
      final List<TestRecord<String, OtpDecision>> out = replies.readRecordsToList();
      assertEquals(1, out.size(), "replies to one command");
      final List<DeliveryRequested> smsOut = sms.readValuesToList();
      final List<DeliveryRequested> emailOut = email.readValuesToList();
      final List<AuditEvent> eventsOut = events.readValuesToList();
      return new Out(out.get(0).key(), out.get(0).value(), smsOut, emailOut, eventsOut);
    }

    SessionState session(final String sessionId) {
      return driver.<String, SessionState>getKeyValueStore(Names.SESSION_STORE).get(sessionId);
    }
  }
}
