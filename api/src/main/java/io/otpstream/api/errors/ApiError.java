package io.otpstream.api.errors;

import io.javalin.http.HttpStatus;

/**
 * A refusal in the Prelude-style families (session API, management API), rendered as
 * {@code {code, type, message}}.
 */
public final class ApiError extends RuntimeException {
  private final HttpStatus status;
  private final String code;
  private final String type;
  private final Integer retryAfterSeconds;
  private final String rule;

  public ApiError(HttpStatus status, String code, String type, String message, Integer retryAfterSeconds) {
    this(status, code, type, message, retryAfterSeconds, null);
  }

  /** @param rule the limit that refused, sent as {@code X-Otp-Rule}, or null */
  public ApiError(HttpStatus status, String code, String type, String message, Integer retryAfterSeconds, String rule) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
    this.type = type;
    this.retryAfterSeconds = retryAfterSeconds;
    this.rule = rule;
  }

  public static ApiError badRequest(String message) {
    return new ApiError(HttpStatus.BAD_REQUEST, "bad_request", "bad_request", message, null);
  }

  public static ApiError unauthorized(String message) {
    return new ApiError(HttpStatus.UNAUTHORIZED, "unauthorized", "unauthorized", message, null);
  }

  public static ApiError notFound(String message) {
    return new ApiError(HttpStatus.NOT_FOUND, "not_found", "not_found", message, null);
  }

  public static ApiError conflict(String message) {
    return new ApiError(HttpStatus.CONFLICT, "conflict", "conflict", message, null);
  }

  public HttpStatus status() {
    return status;
  }

  public String code() {
    return code;
  }

  public String type() {
    return type;
  }

  public Integer retryAfterSeconds() {
    return retryAfterSeconds;
  }

  public String rule() {
    return rule;
  }
}
