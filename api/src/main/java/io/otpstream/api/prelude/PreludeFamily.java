package io.otpstream.api.prelude;

import io.javalin.http.HttpStatus;
import io.otpstream.api.errors.Answer;
import io.otpstream.api.errors.ErrorFamily;
import io.otpstream.api.errors.Refusal;
import io.otpstream.api.errors.Step;
import io.otpstream.schemas.decision.OtpDecision;
import io.otpstream.schemas.rules.RuleNames;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Prelude's error format, {@code {code, type, message}}: the session API (seeds 000 and 001), the
 * management API (seed 002) and every path no other family owns. The code is the refusal's own or
 * the one its status implies; the type follows the status. Decisions are worded for the session
 * API.
 */
public final class PreludeFamily implements ErrorFamily {
  private static final String SESSION_API = "/v1/session/";
  private static final String LOGIN = "/v1/session/login/";

  @Override
  public boolean owns(String path) {
    return true;
  }

  @Override
  public Answer answer(Refusal refusal, String path) {
    Refusal r = refusal;
    if (path.startsWith(SESSION_API)
        && (r.status() == HttpStatus.CONTENT_TOO_LARGE
            || PreludeErrors.INVALID_IDENTIFIER.equals(r.code()) && !path.startsWith(LOGIN))) {
      r =
          Refusal.badRequest(
              r.getMessage()); // seeds 000 and 001 list no 413, and seed 001 no invalid_identifier
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("code", r.code() != null ? r.code() : code(r.status()));
    body.put("type", type(r.status()));
    body.put("message", r.getMessage());
    return Answer.of(r, body);
  }

  static String code(HttpStatus status) {
    return switch (status) {
      case NOT_FOUND -> "not_found";
      case METHOD_NOT_ALLOWED -> "method_not_allowed";
      case CONTENT_TOO_LARGE -> "payload_too_large";
      case UNAUTHORIZED -> "unauthorized";
      case FORBIDDEN -> "forbidden";
      case CONFLICT -> "conflict";
      default -> status.getCode() >= 500 ? "internal" : "bad_request";
    };
  }

  static String type(HttpStatus status) {
    return switch (status) {
      case UNAUTHORIZED -> "unauthorized";
      case FORBIDDEN -> "forbidden";
      case NOT_FOUND -> "not_found";
      case CONFLICT -> "conflict";
      default -> status.getCode() >= 500 ? "internal" : "bad_request";
    };
  }

  @Override
  public Refusal timeout() {
    return new Refusal(
        HttpStatus.INTERNAL_SERVER_ERROR,
        null,
        "No decision in time: the request is accepted and will be decided; retry shortly",
        1,
        null);
  }

  @Override
  public Refusal internal() {
    return internal("Internal error");
  }

  private static Refusal internal(String message) {
    return Refusal.of(HttpStatus.INTERNAL_SERVER_ERROR, message);
  }

  /**
   * The session API's words for a decision (seeds 000, 001): every limit, the quota and a lock are
   * {@code auth_blocked}.
   */
  @Override
  public Refusal refusal(OtpDecision d, Step step) {
    return switch (d.getOutcome()) {
      case RATE_LIMITED ->
          PreludeErrors.blocked(
              "Too many attempts ("
                  + d.getRule()
                  + "): try again in "
                  + d.getRetryAfterSeconds()
                  + " s",
              d.getRetryAfterSeconds(),
              d.getRule());
      case QUOTA_EXHAUSTED ->
          PreludeErrors.blocked("This app has used its message quota", null, d.getRule());
      case LOCKED ->
          PreludeErrors.blocked(
              "Too many wrong codes: this verification is locked; start a new one", null, null);
      case ALREADY_VERIFIED ->
          Refusal.unauthorized("This verification is already complete; start a new one");
      case NOT_FOUND, EXPIRED ->
          Refusal.unauthorized("This verification has expired or does not exist; start a new one");
      case CHALLENGE_USED ->
          PreludeErrors.invalidChallenge(
              "This challenge token has already started a verification: ask your backend for a new one");
      case REFUSED ->
          PreludeErrors.invalidIdentifier(
              RuleNames.PREMIUM_RATE.equals(d.getRule())
                  ? "Premium-rate phone numbers are refused"
                  : "This app does not send codes to that country");
      case WRONG_CODE -> PreludeErrors.badCheckCode(wrongCode(d.getAttemptsRemaining()));
      default -> internal("Unexpected decision " + d.getOutcome());
    };
  }

  private static String wrongCode(Integer left) {
    return left != null && left == 0
        ? "Wrong code; no attempts left: this verification is now locked"
        : "Wrong code"
            + (left == null ? "" : "; " + left + " attempt" + (left == 1 ? "" : "s") + " left");
  }
}
