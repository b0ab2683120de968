package io.otpstream.api.errors;

import io.javalin.http.HttpStatus;

/**
 * A request refused with a 4xx or 5xx, whatever API it came to: its status and message, the seconds
 * to wait ({@code Retry-After}), the rule that refused ({@code X-Otp-Rule}) and, for the Prelude
 * APIs, an error code. A handler or a shared check throws it; the {@link ErrorFamily} that owns the
 * request's path writes it in its API's format, so no check needs to know which API called it.
 */
public final class Refusal extends RuntimeException {
  private final HttpStatus status;
  private final String code;
  private final Integer retryAfterSeconds;
  private final String rule;

  /**
   * @param code the Prelude error code (e.g. {@code auth_blocked}), or null for the one the status
   *     implies
   * @param retryAfterSeconds sent as {@code Retry-After}, or null
   * @param rule the otpstream rule that refused, sent as {@code X-Otp-Rule}, or null
   */
  public Refusal(
      HttpStatus status, String code, String message, Integer retryAfterSeconds, String rule) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
    this.retryAfterSeconds = retryAfterSeconds;
    this.rule = rule;
  }

  public static Refusal of(HttpStatus status, String message) {
    return new Refusal(status, null, message, null, null);
  }

  public static Refusal coded(HttpStatus status, String code, String message) {
    return new Refusal(status, code, message, null, null);
  }

  public static Refusal badRequest(String message) {
    return of(HttpStatus.BAD_REQUEST, message);
  }

  public static Refusal unauthorized(String message) {
    return of(HttpStatus.UNAUTHORIZED, message);
  }

  public static Refusal notFound(String message) {
    return of(HttpStatus.NOT_FOUND, message);
  }

  public static Refusal conflict(String message) {
    return of(HttpStatus.CONFLICT, message);
  }

  public HttpStatus status() {
    return status;
  }

  /** The Prelude error code, or null when the status implies it. */
  public String code() {
    return code;
  }

  public Integer retryAfterSeconds() {
    return retryAfterSeconds;
  }

  public String rule() {
    return rule;
  }
}
