package io.otpstream.processor.quota;

import io.otpstream.processor.decision.LimitKeys;
import io.otpstream.processor.decision.Refusal;
import io.otpstream.processor.decision.SettingsInForce;
import io.otpstream.processor.decision.SlidingWindows;
import io.otpstream.processor.decision.SlidingWindows.Verdict;
import io.otpstream.schemas.apps.Limit;
import io.otpstream.schemas.audit.AuditType;
import io.otpstream.schemas.command.CommandMeta;
import io.otpstream.schemas.command.OtpRequested;
import io.otpstream.schemas.decision.Outcome;
import io.otpstream.schemas.rules.RuleNames;
import java.util.Optional;

/**
 * The sends_per_number_block rule (SMS pumping to consecutive numbers): new sessions to one block
 * of 100 phone numbers, from every client together, in a sliding window. Counted in the app-keyed
 * stage, which every send to a phone enters, so the limit holds whatever the number of clients, api
 * and processor instances. Sandbox sends count in windows of their own. A send recorded before the
 * rule (no {@code sms_block_id}) is not counted, so a replay decides it as it was.
 */
final class NumberBlockRules {
  private NumberBlockRules() {}

  /** The rule's verdict on {@code command}; empty when it is not a send to a phone's block. */
  static Optional<Verdict> ask(Object command, SlidingWindows windows) {
    if (!(command instanceof OtpRequested send) || send.getSmsBlockId() == null) {
      return Optional.empty();
    }
    CommandMeta m = send.getMeta();
    return Optional.of(
        windows.ask(
            RuleNames.SENDS_PER_NUMBER_BLOCK,
            LimitKeys.subject(send.getSmsBlockId(), m),
            limit(m),
            m.getOccurredAt().toEpochMilli()));
  }

  /** Counts an admitted send in its block's window. */
  static void count(OtpRequested send, SlidingWindows windows) {
    CommandMeta m = send.getMeta();
    windows.record(
        RuleNames.SENDS_PER_NUMBER_BLOCK,
        LimitKeys.subject(send.getSmsBlockId(), m),
        limit(m),
        m.getOccurredAt().toEpochMilli());
  }

  /** The refusal of a send whose block is full: 429 with Retry-After, audited with the block. */
  static Refusal refusal(OtpRequested send, Verdict full) {
    return Refusal.of(
        send.getMeta(),
        send.getSubjectId(),
        send.getSessionId(),
        Outcome.RATE_LIMITED,
        AuditType.LIMIT_EXCEEDED,
        full.check(),
        full.retryAfterSeconds());
  }

  private static Limit limit(CommandMeta m) {
    return SettingsInForce.of(m).getSendsPerNumberBlock();
  }
}
