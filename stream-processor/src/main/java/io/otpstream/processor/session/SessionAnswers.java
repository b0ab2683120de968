package io.otpstream.processor.session;

import io.otpstream.common.code.OtpCodes;
import io.otpstream.processor.decision.Answers;
import io.otpstream.processor.decision.Refusal;
import io.otpstream.processor.decision.SlidingWindows.Verdict;
import io.otpstream.schemas.audit.AuditEvent;
import io.otpstream.schemas.audit.AuditType;
import io.otpstream.schemas.command.CommandMeta;
import io.otpstream.schemas.decision.OtpDecision;
import io.otpstream.schemas.decision.Outcome;
import io.otpstream.schemas.limits.RuleCheck;
import io.otpstream.schemas.session.SessionState;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * The session stage's answers: a reply and an audit line about a session, a refusal by a limit, and
 * the refusal of a session that can no longer be resent or checked. Sandbox replies carry the code.
 */
final class SessionAnswers {
  private final OtpCodes codes;

  SessionAnswers(OtpCodes codes) {
    this.codes = codes;
  }

  static OtpDecision.Builder reply(CommandMeta m, SessionState s, Outcome outcome) {
    return Answers.reply(m, s.getSessionId(), outcome)
        .setExpiresAt(s.getExpiresAt())
        .setChannels(s.getChannels());
  }

  /**
   * Sandbox sessions are the one place a code leaves the service in a reply: their API returns it.
   */
  OtpDecision.Builder withCode(OtpDecision.Builder reply, SessionState s) {
    if (s.getSandbox()) {
      reply.setSandboxCode(
          codes.code(s.getAppId(), s.getSessionId(), s.getGeneration(), s.getOtpLength()));
    }
    return reply;
  }

  static AuditEvent.Builder audit(
      CommandMeta m, SessionState s, AuditType type, Outcome outcome, RuleCheck... checks) {
    return Answers.audit(m, s.getSubjectId(), s.getSessionId(), type, outcome, checks)
        .setGeneration(s.getGeneration());
  }

  /**
   * A refusal by a limit: reply RATE_LIMITED with the rule and Retry-After, audit LIMIT_EXCEEDED;
   * about {@code s} when there is one.
   */
  static Decided limited(
      CommandMeta m, String subjectId, String sessionId, SessionState s, Verdict v) {
    Refusal r =
        Refusal.of(
            m,
            subjectId,
            sessionId,
            Outcome.RATE_LIMITED,
            AuditType.LIMIT_EXCEEDED,
            v.check(),
            v.retryAfterSeconds());
    OtpDecision reply =
        s == null
            ? r.reply()
            : OtpDecision.newBuilder(r.reply())
                .setExpiresAt(s.getExpiresAt())
                .setChannels(s.getChannels())
                .build();
    AuditEvent event =
        s == null
            ? r.event()
            : AuditEvent.newBuilder(r.event()).setGeneration(s.getGeneration()).build();
    return new Decided(null, reply, List.of(), List.of(event));
  }

  /**
   * Unknown, purged, expired, verified or locked sessions refuse resends and checks alike; null
   * when {@code s} is open.
   */
  static Decided refuseIfClosed(CommandMeta m, String subjectId, String sessionId, SessionState s) {
    Instant now = m.getOccurredAt();
    // A live session is not reachable with a sandbox key, nor a sandbox one with a live key.
    if (s == null || !SessionLife.retained(s, now) || s.getSandbox() != m.getSandbox()) {
      return new Decided(
          null,
          Answers.reply(m, sessionId, Outcome.NOT_FOUND).build(),
          List.of(),
          List.of(
              Answers.audit(m, subjectId, sessionId, AuditType.NOT_FOUND, Outcome.NOT_FOUND)
                  .build()));
    }
    Outcome outcome =
        switch (s.getStatus()) {
          case VERIFIED -> Outcome.ALREADY_VERIFIED;
          case LOCKED -> Outcome.LOCKED;
          default -> now.isBefore(s.getExpiresAt()) ? null : Outcome.EXPIRED;
        };
    if (outcome == null) {
      return null;
    }
    AuditType type = outcome == Outcome.EXPIRED ? AuditType.EXPIRED : AuditType.REFUSED;
    return new Decided(
        null,
        reply(m, s, outcome).setAttemptsRemaining(remaining(s)).build(),
        List.of(),
        List.of(
            audit(m, s, type, outcome)
                .setDetail("session " + s.getStatus().name().toLowerCase(Locale.ROOT))
                .build()));
  }

  static int remaining(SessionState s) {
    return Math.max(0, s.getMaxAttempts() - s.getFailedAttempts());
  }
}
