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

  public SendmatorException(HttpStatus status, String message) {
    this(status, message, null);
  }

  public SendmatorException(HttpStatus status, String message, Integer retryAfterSeconds) {
    super(message, null, false, false);
    this.status = status;
    this.retryAfterSeconds = retryAfterSeconds;
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
