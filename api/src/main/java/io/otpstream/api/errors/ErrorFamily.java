package io.otpstream.api.errors;

import io.otpstream.schemas.decision.OtpDecision;
import io.otpstream.schemas.decision.Outcome;

/**
 * One API's error format (its wire shape and its words) and the requests it answers. Every refusal,
 * timeout and failure of a request is written by the family that owns its path, so each API keeps
 * the error bodies its clients parse. {@link Families} holds the families, once for the server.
 */
public interface ErrorFamily {
  /** Whether this family answers requests to {@code path}. */
  boolean owns(String path);

  /** The answer to a refusal of a request to {@code path}, in this family's format. */
  Answer answer(Refusal refusal, String path);

  /**
   * No decision came in time: the command is accepted and will be decided, so the client may retry
   * shortly.
   */
  Refusal timeout();

  /** A failure of ours, told without its details. */
  Refusal internal();

  /** The refusal of a decision that is not the success a request of {@code step} asked for. */
  Refusal refusal(OtpDecision decision, Step step);

  /**
   * The decision itself when its outcome is the {@code wanted} success of a request of {@code
   * step}; else the refusal of it is thrown.
   */
  default OtpDecision expect(OtpDecision decision, Outcome wanted, Step step) {
    if (decision.getOutcome() != wanted) {
      throw refusal(decision, step);
    }
    return decision;
  }
}
