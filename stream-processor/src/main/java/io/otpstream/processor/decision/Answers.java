package io.otpstream.processor.decision;

import io.otpstream.schemas.audit.AuditEvent;
import io.otpstream.schemas.audit.AuditType;
import io.otpstream.schemas.command.CommandMeta;
import io.otpstream.schemas.decision.OtpDecision;
import io.otpstream.schemas.decision.Outcome;
import io.otpstream.schemas.limits.RuleCheck;
import java.util.ArrayList;
import java.util.List;

/**
 * The reply to a command and its line in the audit log, as every stage starts them: who asked, when
 * (the command's event time), where the answer goes and the settings version it was decided with.
 * The audit line lists the rule checks the command passed before, then the ones of this stage.
 */
public final class Answers {
  private Answers() {}

  public static OtpDecision.Builder reply(CommandMeta m, String sessionId, Outcome outcome) {
    return OtpDecision.newBuilder()
        .setRequestId(m.getRequestId())
        .setReplyPartition(m.getReplyPartition())
        .setSessionId(sessionId)
        .setOutcome(outcome)
        .setDecidedAt(m.getOccurredAt())
        .setSettingsVersion(SettingsInForce.of(m).getVersion());
  }

  public static AuditEvent.Builder audit(
      CommandMeta m,
      String subjectId,
      String sessionId,
      AuditType type,
      Outcome outcome,
      RuleCheck... checks) {
    List<RuleCheck> all = new ArrayList<>(m.getChecks());
    all.addAll(List.of(checks));
    return AuditEvent.newBuilder()
        .setType(type)
        .setOutcome(outcome)
        .setRequestId(m.getRequestId())
        .setOccurredAt(m.getOccurredAt())
        .setAppId(m.getAppId())
        .setSubjectId(subjectId)
        .setSessionId(sessionId)
        .setClientIp(m.getClientIp())
        .setSettingsVersion(SettingsInForce.of(m).getVersion())
        .setChecks(all);
  }
}
