package io.otpstream.api.errors;

import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An error answer as a family wrote it: status, headers and JSON body. A value, so each family's
 * format can be checked without a server; {@link #writeTo} puts it on the response.
 */
public record Answer(HttpStatus status, Map<String, String> headers, Map<String, Object> body) {
  /** Marks a request once an error answer is written, so no later handler overwrites it. */
  public static final String WRITTEN = "otp-error-rendered";

  public static final String RETRY_AFTER = "Retry-After";

  /**
   * Names the otpstream rule that refused (e.g. {@code resend_cooldown_seconds}); the body stays
   * the family's.
   */
  public static final String RULE_HEADER = "X-Otp-Rule";

  public Answer {
    headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    body =
        Collections.unmodifiableMap(
            new LinkedHashMap<>(body)); // in order: the body's fields are written in it
  }

  /**
   * The answer to {@code refusal} with {@code body}: its status, and its Retry-After and rule
   * headers when set.
   */
  public static Answer of(Refusal refusal, Map<String, Object> body) {
    Map<String, String> headers = new LinkedHashMap<>();
    if (refusal.retryAfterSeconds() != null) {
      headers.put(RETRY_AFTER, Integer.toString(refusal.retryAfterSeconds()));
    }
    if (refusal.rule() != null) {
      headers.put(RULE_HEADER, refusal.rule());
    }
    return new Answer(refusal.status(), headers, body);
  }

  public void writeTo(Context ctx) {
    ctx.attribute(WRITTEN, true);
    headers.forEach(ctx::header);
    ctx.status(status).json(body);
  }

  public static boolean written(Context ctx) {
    return Boolean.TRUE.equals(ctx.attribute(WRITTEN));
  }
}
