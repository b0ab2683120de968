package io.otpstream.api.sendmator;

import io.javalin.http.HttpStatus;

/**
 * A refusal in the Sendmator family, rendered as {@code {statusCode, message, error}}.
 *
 * @param retryAfterSeconds sent as {@code Retry-After} when not null
 */
public final class SendmatorException extends RuntimeException {
  private final HttpStatus status;
  private final Integer retryAfterSeconds;
  private final String rule;

  public SendmatorException(HttpStatus status, String message) {
    this(status, message, null, null);
  }

  public SendmatorException(HttpStatus status, String message, Integer retryAfterSeconds) {
    this(status, message, retryAfterSeconds, null);
  }

  /** @param rule the otpstream rule that refused, sent as the {@code X-Otp-Rule} header */
  public SendmatorException(HttpStatus status, String message, Integer retryAfterSeconds, String rule) {
    super(message, null, false, false);
    this.status = status;
    this.retryAfterSeconds = retryAfterSeconds;
    this.rule = rule;
  }

  public String rule() {
    return rule;
  }

  public HttpStatus status() {
    return status;
  }

  public Integer retryAfterSeconds() {
    return retryAfterSeconds;
  }

  public static SendmatorException badRequest(String message) {
    return new SendmatorException(HttpStatus.BAD_REQUEST, message);
  }
}
