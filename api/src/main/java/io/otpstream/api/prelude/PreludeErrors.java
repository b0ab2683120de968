package io.otpstream.api.prelude;

import io.javalin.http.HttpStatus;
import io.otpstream.api.errors.Refusal;

/**
 * The session API's refusals that carry a code of their own (Prelude codes, seeds 000 and 001);
 * {@code bad_request}, {@code unauthorized} and the rest follow from the status.
 */
public final class PreludeErrors {
  static final String INVALID_IDENTIFIER = "invalid_identifier";
  private static final String AUTH_BLOCKED = "auth_blocked";

  private PreludeErrors() {}

  /**
   * An identifier the service cannot use (malformed, of an unknown type, premium-rate, a refused
   * country). Seed 001 lists only {@code bad_request} among its 400s, so {@code /v1/session/otp}
   * answers that instead (see {@link PreludeFamily}); the login (no seed) keeps {@code
   * invalid_identifier}, which Prelude's clients know.
   */
  public static Refusal invalidIdentifier(String message) {
    return Refusal.coded(HttpStatus.BAD_REQUEST, INVALID_IDENTIFIER, message);
  }

  public static Refusal badCheckCode(String message) {
    return Refusal.coded(HttpStatus.BAD_REQUEST, "bad_check_code", message);
  }

  public static Refusal expiredChallenge() {
    return Refusal.coded(
        HttpStatus.BAD_REQUEST,
        "expired_challenge_token",
        "The challenge token has expired: ask your backend for a new one");
  }

  public static Refusal invalidChallenge() {
    return invalidChallenge("The challenge token is not valid for this app");
  }

  static Refusal invalidChallenge(String message) {
    return Refusal.coded(HttpStatus.BAD_REQUEST, "invalid_challenge_token", message);
  }

  public static Refusal tokenMismatch(String message) {
    return Refusal.coded(HttpStatus.BAD_REQUEST, "token_mismatch", message);
  }

  public static Refusal invalidDpop(String message) {
    return Refusal.coded(HttpStatus.BAD_REQUEST, "invalid_dpop_proof", message);
  }

  public static Refusal originNotAllowed(String message) {
    return Refusal.coded(HttpStatus.FORBIDDEN, "origin_not_allowed", message);
  }

  static Refusal blocked(String message, Integer retryAfterSeconds, String rule) {
    return new Refusal(HttpStatus.FORBIDDEN, AUTH_BLOCKED, message, retryAfterSeconds, rule);
  }
}
