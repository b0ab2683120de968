package io.otpstream.api.zap;

import io.javalin.http.HttpStatus;

/** A refusal of the admin resend, rendered in ZAP's shape: {@code {"success": false, "message": …}}. */
public final class ZapException extends RuntimeException {
  private final HttpStatus status;
  private final Integer retryAfterSeconds;
  private final String rule;

  public ZapException(HttpStatus status, String message, Integer retryAfterSeconds, String rule) {
    super(message, null, false, false);
    this.status = status;
    this.retryAfterSeconds = retryAfterSeconds;
    this.rule = rule;
  }

  public static ZapException badRequest(String message) {
    return new ZapException(HttpStatus.BAD_REQUEST, message, null, null);
  }

  public HttpStatus status() {
    return status;
  }

  public Integer retryAfterSeconds() {
    return retryAfterSeconds;
  }

  public String rule() {
    return rule;
  }
}
