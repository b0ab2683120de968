package io.otpstream.api.session;

import io.otpstream.schemas.rules.RuleNames;
import io.javalin.http.HttpStatus;
import io.otpstream.api.errors.ApiError;
import io.otpstream.api.token.Verification;
import io.otpstream.schemas.decision.OtpDecision;

/** The session API's errors (Prelude codes and types, seeds 000 and 001). */
final class SessionErrors {
  private SessionErrors() {
  }

  static ApiError badRequest(String message) {
    return ApiError.badRequest(message);
  }

  /**
   * An identifier this flow cannot use (malformed, of an unknown type, premium-rate, a refused
   * country). Seed 001 lists only {@code bad_request} among its 400s, so that is what
   * {@code /v1/session/otp} answers; the login (no seed) keeps {@code invalid_identifier}, which
   * Prelude's clients know.
   */
  static ApiError invalidIdentifier(String purpose, String message) {
    return Verification.OTP.equals(purpose) ? badRequest(message)
        : new ApiError(HttpStatus.BAD_REQUEST, "invalid_identifier", "bad_request", message, null);
  }

  static ApiError badCheckCode(String message) {
    return new ApiError(HttpStatus.BAD_REQUEST, "bad_check_code", "bad_request", message, null);
  }

  static ApiError expiredChallenge() {
    return new ApiError(HttpStatus.BAD_REQUEST, "expired_challenge_token", "bad_request",
        "The challenge token has expired: ask your backend for a new one", null);
  }

  static ApiError invalidChallenge() {
    return new ApiError(HttpStatus.BAD_REQUEST, "invalid_challenge_token", "bad_request",
        "The challenge token is not valid for this app", null);
  }

  static ApiError tokenMismatch(String message) {
    return new ApiError(HttpStatus.BAD_REQUEST, "token_mismatch", "bad_request", message, null);
  }

  static ApiError invalidDpop(String message) {
    return new ApiError(HttpStatus.BAD_REQUEST, "invalid_dpop_proof", "bad_request", message, null);
  }

  static ApiError unauthorized(String message) {
    return ApiError.unauthorized(message);
  }

  static ApiError blocked(String message, Integer retryAfterSeconds) {
    return new ApiError(HttpStatus.FORBIDDEN, "auth_blocked", "forbidden", message, retryAfterSeconds);
  }

  static ApiError internal(String message, Integer retryAfterSeconds) {
    return new ApiError(HttpStatus.INTERNAL_SERVER_ERROR, "internal", "internal", message, retryAfterSeconds);
  }

  /** The error for a decision of this flow ({@code purpose}) that did not start, resend or verify. */
  static ApiError refusal(OtpDecision d, String purpose) {
    return switch (d.getOutcome()) {
      case RATE_LIMITED -> new ApiError(HttpStatus.FORBIDDEN, "auth_blocked", "forbidden",
          "Too many attempts (" + d.getRule() + "): try again in " + d.getRetryAfterSeconds() + " s", d.getRetryAfterSeconds(), d.getRule());
      case QUOTA_EXHAUSTED -> new ApiError(HttpStatus.FORBIDDEN, "auth_blocked", "forbidden", "This app has used its message quota",
          null, d.getRule());
      case LOCKED -> blocked("Too many wrong codes: this verification is locked; start a new one", null);
      case ALREADY_VERIFIED -> unauthorized("This verification is already complete; start a new one");
      case NOT_FOUND, EXPIRED -> unauthorized("This verification has expired or does not exist; start a new one");
      case CHALLENGE_USED -> new ApiError(HttpStatus.BAD_REQUEST, "invalid_challenge_token", "bad_request",
          "This challenge token has already started a verification: ask your backend for a new one", null);
      case REFUSED -> invalidIdentifier(purpose, RuleNames.PREMIUM_RATE.equals(d.getRule())
          ? "Premium-rate phone numbers are refused" : "This app does not send codes to that country");
      default -> internal("Unexpected decision " + d.getOutcome(), null);
    };
  }
}
