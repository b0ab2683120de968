package io.otpstream.processor.limits;

import io.otpstream.processor.decision.Admission;
import io.otpstream.processor.decision.CommandParts;
import io.otpstream.processor.decision.Idempotency;
import io.otpstream.processor.decision.LimitKeys;
import io.otpstream.processor.decision.Refunds;
import io.otpstream.processor.decision.Refusal;
import io.otpstream.processor.decision.SettingsInForce;
import io.otpstream.processor.decision.SlidingWindows;
import io.otpstream.processor.decision.SlidingWindows.Verdict;
import io.otpstream.schemas.apps.AppSettings;
import io.otpstream.schemas.apps.Limit;
import io.otpstream.schemas.audit.AuditType;
import io.otpstream.schemas.command.CommandMeta;
import io.otpstream.schemas.command.OtpCommand;
import io.otpstream.schemas.command.OtpRequested;
import io.otpstream.schemas.command.OtpRetried;
import io.otpstream.schemas.decision.OtpDecision;
import io.otpstream.schemas.decision.Outcome;
import io.otpstream.schemas.limits.RuleCheck;
import io.otpstream.schemas.rules.RuleNames;
import java.util.List;
import java.util.Optional;

/**
 * The per-IP stage's rules: a function of (command, what the stage decided for it before, the
 * client's windows). Destination rules and the per-IP windows for sends and resends; admitted
 * commands go on keyed by subject (first the secondary subject of a two-destination request),
 * carrying the rule checks they passed; refused ones give back any quota they were charged.
 */
public final class RequestRules {
  private RequestRules() {}

  /**
   * @param prior what this stage decided for the request before (an Idempotency-Key repeat)
   */
  public static Admission decide(
      OtpCommand value, Optional<OtpDecision> prior, SlidingWindows windows) {
    Object command = value.getCommand();
    // A repeat of a request this stage decided gets that decision again. One it has not seen (the
    // quota stage sends a repeat after its first, to the same key) is checked like any request.
    if ((command instanceof OtpRequested || command instanceof OtpRetried) && prior.isPresent()) {
      return Idempotency.forwarded(prior.get())
          ? new Admission.Passed(value, CommandParts.route(command), null)
          : new Admission.Repeated(prior.get());
    }
    if (command instanceof OtpRequested c) {
      AppSettings cfg = SettingsInForce.of(c.getMeta());
      Optional<String> refusedBy = DestinationRules.refusal(c, cfg);
      if (refusedBy.isPresent()) {
        RuleCheck check = new RuleCheck(refusedBy.get(), c.getSmsTo() == null ? "" : "sms", 1L, 0L);
        return refused(command, Outcome.REFUSED, AuditType.REFUSED, check, 0);
      }
      return admit(command, RuleNames.SENDS_PER_IP, cfg.getSendsPerIp(), windows);
    }
    if (command instanceof OtpRetried c) {
      return admit(
          command,
          RuleNames.RESENDS_PER_IP,
          SettingsInForce.of(c.getMeta()).getResendsPerIp(),
          windows);
    }
    // checks are not limited per IP; pass them on in order
    return new Admission.Passed(value, CommandParts.route(command), null);
  }

  private static Admission admit(Object command, String rule, Limit limit, SlidingWindows windows) {
    CommandMeta m = CommandParts.meta(command);
    String client = LimitKeys.client(m);
    long now = m.getOccurredAt().toEpochMilli();
    Verdict v = windows.ask(rule, client, limit, now);
    if (!v.allowed()) {
      return refused(
          command,
          Outcome.RATE_LIMITED,
          AuditType.LIMIT_EXCEEDED,
          v.check(),
          v.retryAfterSeconds());
    }
    windows.record(rule, client, limit, now);
    OtpCommand next =
        new OtpCommand(
            CommandParts.withMeta(command, CommandParts.passed(m, List.of(v.check())).build()));
    return new Admission.Passed(
        next, CommandParts.route(command), Idempotency.forwardedMark(m, null));
  }

  private static Admission refused(
      Object command, Outcome outcome, AuditType type, RuleCheck check, int retryAfterSeconds) {
    CommandMeta m = CommandParts.meta(command);
    Refusal refusal =
        Refusal.of(
            m,
            CommandParts.subject(command),
            CommandParts.sessionId(command),
            outcome,
            type,
            check,
            retryAfterSeconds);
    return new Admission.Refused(refusal, Refunds.owed(m, 0).orElse(null));
  }
}
