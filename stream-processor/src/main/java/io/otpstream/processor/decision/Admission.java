package io.otpstream.processor.decision;

import io.otpstream.schemas.command.OtpCommand;
import io.otpstream.schemas.decision.OtpDecision;
import io.otpstream.schemas.quota.QuotaRefund;

/**
 * What a stage before the session stage (the quota stage, the per-IP stage) does with one command:
 * pass it on to the next stage, refuse it, or answer a repeat of a request it refused before.
 */
public sealed interface Admission permits Admission.Passed, Admission.Refused, Admission.Repeated {

  /**
   * Passed on.
   *
   * @param command what goes on: the input as it was, or a new record with what this stage added
   * @param key its key on the next stage's topic
   * @param memory what a repeat of an Idempotency-Key request will find here; null: nothing to keep
   */
  record Passed(OtpCommand command, String key, OtpDecision memory) implements Admission {}

  /**
   * Refused here: answered, audited and remembered for its repeats.
   *
   * @param refund the quota charged for it before, given back; null when none is owed
   */
  record Refused(Refusal refusal, QuotaRefund refund) implements Admission {}

  /** A repeat of a request refused here: its first reply again, and nothing else. */
  record Repeated(OtpDecision first) implements Admission {}
}
