package io.otpstream.api.sendmator;

import io.javalin.http.HttpStatus;
import io.otpstream.api.errors.Answer;
import io.otpstream.api.errors.ErrorFamily;
import io.otpstream.api.errors.Refusal;
import io.otpstream.api.errors.Step;
import io.otpstream.schemas.decision.OtpDecision;
import io.otpstream.schemas.decision.Outcome;
import io.otpstream.schemas.rules.RuleNames;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Sendmator's error format under {@code /api/v1/otp} (seed 003): {@code {statusCode, message,
 * error}}, the error being the status's reason phrase, with the seed's words for each decision.
 */
public final class SendmatorFamily implements ErrorFamily {
  @Override
  public boolean owns(String path) {
    return path.startsWith(SendmatorRoutes.PREFIX + "/") || path.equals(SendmatorRoutes.PREFIX);
  }

  @Override
  public Answer answer(Refusal refusal, String path) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("statusCode", refusal.status().getCode());
    body.put("message", refusal.getMessage());
    body.put("error", refusal.status().getMessage());
    return Answer.of(refusal, body);
  }

  @Override
  public Refusal timeout() {
    return new Refusal(
        HttpStatus.SERVICE_UNAVAILABLE,
        null,
        "Service temporarily unavailable: the request was accepted but not decided in time; retry shortly",
        1,
        null);
  }

  @Override
  public Refusal internal() {
    return Refusal.of(HttpStatus.INTERNAL_SERVER_ERROR, "Internal server error");
  }

  /**
   * Seed 003's errors; an expired session cannot be resent, so a resend reads it as not found
   * ("invalid or expired token").
   */
  @Override
  public Refusal refusal(OtpDecision d, Step step) {
    if (step == Step.RESEND && d.getOutcome() == Outcome.EXPIRED) {
      return Refusal.badRequest("Session not found");
    }
    return switch (d.getOutcome()) {
      case ALREADY_VERIFIED -> Refusal.badRequest("Session already verified");
      case LOCKED -> Refusal.badRequest("Session is locked due to too many failed attempts");
      case NOT_FOUND -> Refusal.badRequest("Session not found");
      case EXPIRED ->
          Refusal.badRequest("Session expired: start a new session with /api/v1/otp/send");
      case QUOTA_EXHAUSTED ->
          new Refusal(HttpStatus.PAYMENT_REQUIRED, null, "Insufficient balance", null, d.getRule());
      case RATE_LIMITED ->
          new Refusal(
              HttpStatus.TOO_MANY_REQUESTS,
              null,
              "Rate limit exceeded",
              d.getRetryAfterSeconds(),
              d.getRule());
      case REFUSED ->
          new Refusal(
              HttpStatus.BAD_REQUEST,
              null,
              RuleNames.PREMIUM_RATE.equals(d.getRule())
                  ? "Recipient phone number is a premium-rate number, which is refused"
                  : "Recipient phone number is in a country this app does not allow",
              null,
              d.getRule());
      default ->
          Refusal.of(HttpStatus.INTERNAL_SERVER_ERROR, "Unexpected decision " + d.getOutcome());
    };
  }
}
