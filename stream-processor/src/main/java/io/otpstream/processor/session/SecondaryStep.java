package io.otpstream.processor.session;

import io.otpstream.schemas.command.OtpCommand;
import io.otpstream.schemas.decision.OtpDecision;

/** What the step at a two-destination request's second subject does with it. */
sealed interface SecondaryStep
    permits SecondaryStep.Decide, SecondaryStep.PassOn, SecondaryStep.Repeat {

  /**
   * Decided here: an admin resend of that subject's open session, or a refusal by that subject's
   * window.
   */
  record Decide(Decided decided) implements SecondaryStep {}

  /**
   * Counted here, and passed on to its own subject.
   *
   * @param memory what a repeat will find here; null: nothing to keep
   */
  record PassOn(OtpCommand command, String key, OtpDecision memory) implements SecondaryStep {}

  /** A repeat of a request decided here: that decision again. */
  record Repeat(OtpDecision first) implements SecondaryStep {}
}
