package io.otpstream.processor.session;

import io.otpstream.processor.decision.CommandParts;
import io.otpstream.processor.decision.Idempotency;
import io.otpstream.processor.decision.LimitKeys;
import io.otpstream.processor.decision.SettingsInForce;
import io.otpstream.processor.decision.SlidingWindows;
import io.otpstream.processor.decision.SlidingWindows.Verdict;
import io.otpstream.schemas.apps.AppSettings;
import io.otpstream.schemas.apps.Limit;
import io.otpstream.schemas.command.CommandMeta;
import io.otpstream.schemas.command.OtpCommand;
import io.otpstream.schemas.command.OtpRequested;
import io.otpstream.schemas.command.OtpRetried;
import io.otpstream.schemas.decision.OtpDecision;
import io.otpstream.schemas.limits.RuleCheck;
import io.otpstream.schemas.rules.RuleNames;
import io.otpstream.schemas.session.SessionState;
import java.util.List;
import java.util.Optional;

/**
 * A send or resend to two destinations, at the partition of its second destination's subject: an
 * admin resend resumes that subject's open session here; anything else is counted against that
 * subject's send or resend window before it goes on to its own subject, where it is decided. The
 * count is of an attempt: the decision that follows may still refuse. A repeat does what the first
 * did.
 */
final class SecondaryRules {
  private final ResendRules resends;

  SecondaryRules(ResendRules resends) {
    this.resends = resends;
  }

  /**
   * @param prior what this step did with the request before (an Idempotency-Key repeat)
   * @param newest the second subject's newest session (read for an admin resend only)
   */
  SecondaryStep onSecondary(
      Object command, Optional<OtpDecision> prior, SessionState newest, SlidingWindows windows) {
    CommandMeta m = CommandParts.meta(command);
    if (prior.isPresent()) {
      return Idempotency.forwarded(prior.get())
          ? passOn(command, m, List.of(), null)
          : new SecondaryStep.Repeat(prior.get());
    }
    if (command instanceof OtpRequested c && c.getResumeOpen() && SessionLife.openFor(newest, m)) {
      return new SecondaryStep.Decide(resends.resume(m, newest, windows));
    }
    boolean send = command instanceof OtpRequested;
    String secondary = CommandParts.secondaryPending(command);
    AppSettings cfg = SettingsInForce.of(m);
    String rule = send ? RuleNames.SENDS_PER_SUBJECT : RuleNames.RESENDS_PER_SUBJECT;
    Limit limit = send ? cfg.getSendsPerSubject() : cfg.getResendsPerSubject();
    long nowMs = m.getOccurredAt().toEpochMilli();
    Verdict v = windows.ask(rule, LimitKeys.subject(secondary, m), limit, nowMs);
    if (!v.allowed()) {
      return new SecondaryStep.Decide(
          SessionAnswers.limited(m, secondary, CommandParts.sessionId(command), null, v));
    }
    windows.record(rule, LimitKeys.subject(secondary, m), limit, nowMs);
    return passOn(command, m, List.of(v.check()), Idempotency.forwardedMark(m, null));
  }

  /** On to its own subject, marked counted, with the check it passed here. */
  private static SecondaryStep passOn(
      Object command, CommandMeta m, List<RuleCheck> passed, OtpDecision memory) {
    CommandMeta counted = CommandParts.passed(m, passed).build();
    Object next =
        command instanceof OtpRequested c
            ? OtpRequested.newBuilder(c).setMeta(counted).setSecondaryCounted(true).build()
            : OtpRetried.newBuilder((OtpRetried) command)
                .setMeta(counted)
                .setSecondaryCounted(true)
                .build();
    return new SecondaryStep.PassOn(new OtpCommand(next), CommandParts.subject(next), memory);
  }
}
