package io.otpstream.processor.session;

import io.otpstream.processor.decision.LimitKeys;
import io.otpstream.processor.decision.SettingsInForce;
import io.otpstream.processor.decision.SlidingWindows;
import io.otpstream.processor.decision.SlidingWindows.Verdict;
import io.otpstream.schemas.apps.AppSettings;
import io.otpstream.schemas.audit.AuditEvent;
import io.otpstream.schemas.audit.AuditType;
import io.otpstream.schemas.command.CommandMeta;
import io.otpstream.schemas.command.OtpRetried;
import io.otpstream.schemas.decision.OtpDecision;
import io.otpstream.schemas.decision.Outcome;
import io.otpstream.schemas.limits.RuleCheck;
import io.otpstream.schemas.rules.RuleNames;
import io.otpstream.schemas.session.SessionState;
import java.time.Instant;
import java.util.List;

/**
 * Resends: a new code (the next generation), attempts reset and expiry extended, within the
 * session's resend count, its cooldown and its subject's resend window.
 */
final class ResendRules {
  private final SessionAnswers answers;

  ResendRules(SessionAnswers answers) {
    this.answers = answers;
  }

  /**
   * @param s the session, open (a closed one is refused before: {@link
   *     SessionAnswers#refuseIfClosed})
   */
  Decided onRetried(OtpRetried cmd, SessionState s, SlidingWindows windows) {
    CommandMeta m = cmd.getMeta();
    Instant now = m.getOccurredAt();
    long nowMs = now.toEpochMilli();
    AppSettings cfg = SettingsInForce.of(m);
    int maxResends = cfg.getMaxResendsPerSession();
    if (s.getResends() >= maxResends) {
      RuleCheck check =
          SlidingWindows.ruleCheck(
              RuleNames.RESENDS_PER_SESSION, s.getSessionId(), s.getResends(), maxResends);
      return SessionAnswers.limited(
          m,
          s.getSubjectId(),
          s.getSessionId(),
          s,
          new Verdict(
              check.getRule(),
              check.getKey(),
              false,
              s.getResends(),
              maxResends,
              secondsUntil(now, s.getExpiresAt())));
    }
    long sinceLastMs = nowMs - s.getLastSentAt().toEpochMilli();
    long cooldownMs = cfg.getResendCooldownSeconds() * 1000L;
    // A resend stamped before the last send (another api instance stamped it a moment earlier, and
    // it
    // was decided later) is within any cooldown; without a cooldown nothing waits.
    if (cooldownMs > 0 && sinceLastMs < cooldownMs) {
      int wait = (int) Math.max(1, (cooldownMs - sinceLastMs + 999) / 1000);
      return SessionAnswers.limited(
          m,
          s.getSubjectId(),
          s.getSessionId(),
          s,
          new Verdict(RuleNames.RESEND_COOLDOWN, s.getSessionId(), false, 1, 1, wait));
    }
    String subjectKey = LimitKeys.subject(s.getSubjectId(), m);
    Verdict perSubject =
        windows.ask(RuleNames.RESENDS_PER_SUBJECT, subjectKey, cfg.getResendsPerSubject(), nowMs);
    if (!perSubject.allowed()) {
      return SessionAnswers.limited(m, s.getSubjectId(), s.getSessionId(), s, perSubject);
    }
    windows.record(RuleNames.RESENDS_PER_SUBJECT, subjectKey, cfg.getResendsPerSubject(), nowMs);
    SessionState next =
        SessionState.newBuilder(s)
            .setGeneration(s.getGeneration() + 1)
            .setFailedAttempts(0)
            .setResends(s.getResends() + 1)
            .setLastSentAt(now)
            .setExpiresAt(now.plusSeconds(s.getExpirySeconds()))
            .build();
    OtpDecision reply =
        answers
            .withCode(
                SessionAnswers.reply(m, next, Outcome.RESENT)
                    .setAttemptsRemaining(next.getMaxAttempts()),
                next)
            .build();
    AuditEvent event =
        SessionAnswers.audit(
                m,
                next,
                AuditType.RESENT,
                Outcome.RESENT,
                SlidingWindows.ruleCheck(
                    RuleNames.RESENDS_PER_SESSION, s.getSessionId(), next.getResends(), maxResends),
                perSubject.check())
            .build();
    return new Decided(next, reply, Deliveries.of(next, now), List.of(event));
  }

  /**
   * An admin resend that found its subject's open session ({@link SessionLife#openFor}): a resend
   * of it.
   */
  Decided resume(CommandMeta m, SessionState open, SlidingWindows windows) {
    return onRetried(
        OtpRetried.newBuilder()
            .setMeta(m)
            .setSessionId(open.getSessionId())
            .setSubjectId(open.getSubjectId())
            .setChannels(open.getChannels())
            .build(),
        open,
        windows);
  }

  private static int secondsUntil(Instant now, Instant then) {
    long ms = then.toEpochMilli() - now.toEpochMilli();
    return (int) Math.max(1, (ms + 999) / 1000);
  }
}
