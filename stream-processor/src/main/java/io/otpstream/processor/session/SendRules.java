package io.otpstream.processor.session;

import io.otpstream.common.code.OtpCodes;
import io.otpstream.processor.decision.Answers;
import io.otpstream.processor.decision.LimitKeys;
import io.otpstream.processor.decision.SettingsInForce;
import io.otpstream.processor.decision.SlidingWindows;
import io.otpstream.processor.decision.SlidingWindows.Verdict;
import io.otpstream.schemas.apps.AppSettings;
import io.otpstream.schemas.audit.AuditEvent;
import io.otpstream.schemas.audit.AuditType;
import io.otpstream.schemas.command.CommandMeta;
import io.otpstream.schemas.command.OtpRequested;
import io.otpstream.schemas.decision.OtpDecision;
import io.otpstream.schemas.decision.Outcome;
import io.otpstream.schemas.rules.RuleNames;
import io.otpstream.schemas.session.SessionState;
import io.otpstream.schemas.session.SessionStatus;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Sends: a send opens a session (counted in its subject's send window), or is refused. */
final class SendRules {
  static final int MIN_EXPIRY_SECONDS = 60;
  static final int MAX_EXPIRY_SECONDS = 86_400;
  static final int MAX_ATTEMPTS = 20;

  private final SessionAnswers answers;

  SendRules(SessionAnswers answers) {
    this.answers = answers;
  }

  /**
   * What a started session leaves in its subject's indexes: it is the subject's newest session (an
   * admin resend resumes it), and the step-up challenge it answered, if any, is used from {@code
   * at}.
   */
  record Started(String subjectId, String sessionId, String challengeId, long at) {}

  /**
   * The marks of a send answered STARTED (its repeat under the same session id too); empty for
   * anything else.
   */
  static Optional<Started> started(Object command, Decided decided) {
    if (command instanceof OtpRequested c && decided.reply().getOutcome() == Outcome.STARTED) {
      return Optional.of(
          new Started(
              c.getSubjectId(),
              c.getSessionId(),
              c.getChallengeId(),
              c.getMeta().getOccurredAt().toEpochMilli()));
    }
    return Optional.empty();
  }

  /**
   * @param challengeUsed whether the step-up challenge the send answers has started a verification
   *     before
   */
  Decided onRequested(
      OtpRequested cmd, SessionState existing, SlidingWindows windows, boolean challengeUsed) {
    CommandMeta m = cmd.getMeta();
    AppSettings cfg = SettingsInForce.of(m);
    if (existing != null
        && SessionLife.retained(
            existing, m.getOccurredAt())) { // the same session id again: answer as before
      return new Decided(
          null,
          SessionAnswers.reply(m, existing, Outcome.STARTED)
              .setAttemptsRemaining(SessionAnswers.remaining(existing))
              .build(),
          List.of(),
          List.of());
    }
    if (challengeUsed) {
      return new Decided(
          null,
          Answers.reply(m, cmd.getSessionId(), Outcome.CHALLENGE_USED)
              .setRule(RuleNames.CHALLENGE_ONCE)
              .build(),
          List.of(),
          List.of(
              Answers.audit(
                      m,
                      cmd.getSubjectId(),
                      cmd.getSessionId(),
                      AuditType.REFUSED,
                      Outcome.CHALLENGE_USED)
                  .setRule(RuleNames.CHALLENGE_ONCE)
                  .setDetail(
                      "challenge " + cmd.getChallengeId() + " has already started a verification")
                  .build()));
    }
    Instant now = m.getOccurredAt();
    String subjectKey = LimitKeys.subject(cmd.getSubjectId(), m);
    Verdict sends =
        windows.ask(
            RuleNames.SENDS_PER_SUBJECT, subjectKey, cfg.getSendsPerSubject(), now.toEpochMilli());
    if (!sends.allowed()) {
      return SessionAnswers.limited(m, cmd.getSubjectId(), cmd.getSessionId(), null, sends);
    }
    windows.record(
        RuleNames.SENDS_PER_SUBJECT, subjectKey, cfg.getSendsPerSubject(), now.toEpochMilli());
    SessionState s = opened(cmd, cfg, now);
    OtpDecision reply =
        answers
            .withCode(
                SessionAnswers.reply(m, s, Outcome.STARTED)
                    .setAttemptsRemaining(s.getMaxAttempts()),
                s)
            .build();
    AuditEvent event =
        SessionAnswers.audit(m, s, AuditType.SESSION_STARTED, Outcome.STARTED, sends.check())
            .build();
    return new Decided(s, reply, Deliveries.of(s, now), List.of(event));
  }

  /**
   * The new session: generation 0, the send's overrides clamped to fixed bounds, the settings'
   * version.
   */
  private static SessionState opened(OtpRequested cmd, AppSettings cfg, Instant now) {
    CommandMeta m = cmd.getMeta();
    int expiry =
        pick(
            cmd.getExpirySeconds(), cfg.getExpirySeconds(), MIN_EXPIRY_SECONDS, MAX_EXPIRY_SECONDS);
    return SessionState.newBuilder()
        .setSessionId(cmd.getSessionId())
        .setAppId(m.getAppId())
        .setSubjectId(cmd.getSubjectId())
        .setStatus(SessionStatus.OPEN)
        .setChannels(cmd.getChannels())
        .setSmsTo(cmd.getSmsTo())
        .setEmailTo(cmd.getEmailTo())
        .setSandbox(m.getSandbox())
        .setGeneration(0)
        .setOtpLength(
            pick(cmd.getOtpLength(), cfg.getOtpLength(), OtpCodes.MIN_LENGTH, OtpCodes.MAX_LENGTH))
        .setExpirySeconds(expiry)
        .setMaxAttempts(pick(cmd.getMaxAttempts(), cfg.getMaxCheckAttempts(), 1, MAX_ATTEMPTS))
        .setFailedAttempts(0)
        .setResends(0)
        .setCreatedAt(now)
        .setLastSentAt(now)
        .setExpiresAt(now.plusSeconds(expiry))
        .setTemplateId(cmd.getTemplateId())
        .setLocale(cmd.getLocale())
        .setSenderId(cmd.getSenderId())
        .setSettingsVersion(cfg.getVersion())
        .build();
  }

  /** A per-request override, clamped to fixed bounds; the processor never trusts its input. */
  private static int pick(Integer requested, int dflt, int min, int max) {
    return Math.max(min, Math.min(max, requested == null ? dflt : requested));
  }
}
