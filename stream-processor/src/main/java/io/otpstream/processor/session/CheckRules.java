package io.otpstream.processor.session;

import io.otpstream.common.code.OtpCodes;
import io.otpstream.processor.decision.LimitKeys;
import io.otpstream.processor.decision.SettingsInForce;
import io.otpstream.processor.decision.SlidingWindows;
import io.otpstream.processor.decision.SlidingWindows.Verdict;
import io.otpstream.schemas.apps.AppSettings;
import io.otpstream.schemas.audit.AuditEvent;
import io.otpstream.schemas.audit.AuditType;
import io.otpstream.schemas.command.CommandMeta;
import io.otpstream.schemas.command.OtpCheckRequested;
import io.otpstream.schemas.command.SubmittedCode;
import io.otpstream.schemas.decision.OtpDecision;
import io.otpstream.schemas.decision.Outcome;
import io.otpstream.schemas.limits.RuleCheck;
import io.otpstream.schemas.rules.RuleNames;
import io.otpstream.schemas.session.SessionState;
import io.otpstream.schemas.session.SessionStatus;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks: the submitted codes' MACs against the current generation's code. A wrong one counts
 * against the session's attempts (then it locks) and its subject's failed-check windows.
 */
final class CheckRules {
  private final OtpCodes codes;

  CheckRules(OtpCodes codes) {
    this.codes = codes;
  }

  /**
   * @param s the session, open (a closed one is refused before: {@link
   *     SessionAnswers#refuseIfClosed})
   */
  Decided onCheck(OtpCheckRequested cmd, SessionState s, SlidingWindows windows) {
    CommandMeta m = cmd.getMeta();
    AppSettings cfg = SettingsInForce.of(m);
    long nowMs = m.getOccurredAt().toEpochMilli();
    // Wrong codes count per subject and source, so a source that reaches its limit (someone locking
    // a user out) stops only itself; and per subject from every source together, up to a ceiling
    // that distributed guessing meets (NIST 800-63B: at most 100 in a row).
    String fromSource = LimitKeys.subjectFromSource(s.getSubjectId(), m);
    String fromAll = LimitKeys.subject(s.getSubjectId(), m);
    Verdict failedChecks =
        windows.ask(
            RuleNames.FAILED_CHECKS_PER_SUBJECT,
            fromSource,
            cfg.getFailedChecksPerSubject(),
            nowMs);
    if (!failedChecks.allowed()) {
      return SessionAnswers.limited(m, s.getSubjectId(), s.getSessionId(), s, failedChecks);
    }
    Verdict ceiling =
        windows.ask(RuleNames.FAILED_CHECKS_CEILING, fromAll, cfg.getFailedChecksCeiling(), nowMs);
    if (!ceiling.allowed()) {
      return SessionAnswers.limited(m, s.getSubjectId(), s.getSessionId(), s, ceiling);
    }
    if (allMatch(cmd, s)) {
      // the failures before a success are no longer in a row; this source's are forgiven too
      windows.clear(RuleNames.FAILED_CHECKS_CEILING, fromAll);
      windows.clear(RuleNames.FAILED_CHECKS_PER_SUBJECT, fromSource);
      SessionState verified = SessionState.newBuilder(s).setStatus(SessionStatus.VERIFIED).build();
      return new Decided(
          verified,
          SessionAnswers.reply(m, verified, Outcome.VERIFIED)
              .setAttemptsRemaining(SessionAnswers.remaining(s))
              .build(),
          List.of(),
          List.of(SessionAnswers.audit(m, verified, AuditType.VERIFIED, Outcome.VERIFIED).build()));
    }
    windows.record(
        RuleNames.FAILED_CHECKS_PER_SUBJECT, fromSource, cfg.getFailedChecksPerSubject(), nowMs);
    windows.record(RuleNames.FAILED_CHECKS_CEILING, fromAll, cfg.getFailedChecksCeiling(), nowMs);
    int failed = s.getFailedAttempts() + 1;
    boolean lock = failed >= s.getMaxAttempts();
    SessionState next =
        SessionState.newBuilder(s)
            .setFailedAttempts(failed)
            .setStatus(lock ? SessionStatus.LOCKED : SessionStatus.OPEN)
            .build();
    RuleCheck attempts =
        SlidingWindows.ruleCheck(
            RuleNames.CHECK_ATTEMPTS, s.getSessionId(), failed, s.getMaxAttempts());
    List<AuditEvent> events = new ArrayList<>();
    events.add(
        SessionAnswers.audit(
                m,
                next,
                AuditType.CHECK_FAILED,
                Outcome.WRONG_CODE,
                attempts,
                failedChecks.check(),
                ceiling.check())
            .build());
    if (lock) {
      events.add(SessionAnswers.audit(m, next, AuditType.LOCKED, Outcome.LOCKED, attempts).build());
    }
    OtpDecision reply =
        SessionAnswers.reply(m, next, Outcome.WRONG_CODE)
            .setAttemptsRemaining(SessionAnswers.remaining(next))
            .build();
    return new Decided(next, reply, List.of(), events);
  }

  /** Every submitted code matches, each on a channel of the session; none submitted is no match. */
  private boolean allMatch(OtpCheckRequested cmd, SessionState s) {
    boolean allMatch = !cmd.getCodes().isEmpty();
    for (SubmittedCode c : cmd.getCodes()) {
      boolean match =
          codes.matches(
              s.getAppId(),
              s.getSessionId(),
              s.getGeneration(),
              s.getOtpLength(),
              c.getMac().array());
      allMatch &= match && s.getChannels().contains(c.getChannel());
    }
    return allMatch;
  }
}
