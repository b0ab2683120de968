package io.otpstream.api.errors;

import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.otpstream.api.gateway.GatewayTimeoutException;
import io.otpstream.api.gateway.GatewayUnavailableException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Renders failures outside the Sendmator family as {@code {code, type, message}}, never a stack trace. */
public final class ApiErrors {
  private static final Logger log = LoggerFactory.getLogger(ApiErrors.class);

  private ApiErrors() {
  }

  public static void render(Context ctx, ApiError e) {
    ctx.attribute(Families.RENDERED, true);
    if (e.retryAfterSeconds() != null) {
      ctx.header("Retry-After", Integer.toString(e.retryAfterSeconds()));
    }
    if (e.rule() != null) {
      ctx.header("X-Otp-Rule", e.rule());
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("code", e.code());
    body.put("type", e.type());
    body.put("message", e.getMessage());
    ctx.status(e.status()).json(body);
  }

  public static void handle(Throwable t, Context ctx) {
    if (t instanceof ApiError e) {
      render(ctx, e);
      return;
    }
    if (t instanceof GatewayTimeoutException || t instanceof GatewayUnavailableException) {
      render(ctx, new ApiError(HttpStatus.INTERNAL_SERVER_ERROR, "internal", "internal",
          "No decision in time: the request is accepted and will be decided; retry shortly", 1));
      return;
    }
    log.error("unexpected failure on {} {}", ctx.method(), ctx.path(), t);
    render(ctx, new ApiError(HttpStatus.INTERNAL_SERVER_ERROR, "internal", "internal", "Internal error", null));
  }
}
