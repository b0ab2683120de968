package io.otpstream.processor.decision;

import io.otpstream.schemas.audit.AuditEvent;
import io.otpstream.schemas.audit.AuditType;
import io.otpstream.schemas.command.CommandMeta;
import io.otpstream.schemas.decision.OtpDecision;
import io.otpstream.schemas.decision.Outcome;
import io.otpstream.schemas.limits.RuleCheck;

/**
 * A request refused by one rule, as every stage answers it: the reply names the rule (and
 * Retry-After when the rule gives one), the audit line the rule's key, count and limit.
 */
public record Refusal(OtpDecision reply, AuditEvent event) {

  /**
   * The refusal by {@code check}'s rule; {@code retryAfterSeconds} 0 when waiting would not help.
   */
  public static Refusal of(
      CommandMeta m,
      String subjectId,
      String sessionId,
      Outcome outcome,
      AuditType type,
      RuleCheck check,
      int retryAfterSeconds) {
    OtpDecision reply =
        Answers.reply(m, sessionId, outcome)
            .setRule(check.getRule())
            .setRetryAfterSeconds(retryAfterSeconds > 0 ? retryAfterSeconds : null)
            .build();
    AuditEvent event =
        Answers.audit(m, subjectId, sessionId, type, outcome, check)
            .setRule(check.getRule())
            .setLimitKey(check.getKey())
            .setCount(check.getCount())
            .setLimit(check.getLimit())
            .build();
    return new Refusal(reply, event);
  }
}
