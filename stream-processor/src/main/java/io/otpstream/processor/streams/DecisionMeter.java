package io.otpstream.processor.streams;

import io.otpstream.schemas.decision.OtpDecision;

/**
 * Told of every decision a stage forwards (a refusal of the quota or per-IP stage, a decision of
 * the session stage; not a repeat of an idempotent request): what the processor's decision counter
 * counts. Called inside the stage's transaction, so under exactly-once a decision of a transaction
 * that aborts, and is decided again, is told twice.
 */
@FunctionalInterface
public interface DecisionMeter {
  /** Tells no one (topology tests, replays). */
  DecisionMeter NONE = (stage, decision) -> {};

  /** {@code stage}: quota, limits or session. */
  void decided(String stage, OtpDecision decision);
}
