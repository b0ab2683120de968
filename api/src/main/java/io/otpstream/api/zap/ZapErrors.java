package io.otpstream.api.zap;

import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.otpstream.api.gateway.GatewayTimeoutException;
import io.otpstream.api.gateway.GatewayUnavailableException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Renders every failure of the admin resend as ZAP's {@code {success: false, message}}; 500 only for internal ones. */
public final class ZapErrors {
  private static final Logger log = LoggerFactory.getLogger(ZapErrors.class);

  private ZapErrors() {
  }

  public static boolean owns(Context ctx) {
    return ctx.path().equals(ZapRoutes.PATH);
  }

  public static void handle(Throwable t, Context ctx) {
    if (t instanceof ZapException e) {
      render(ctx, e);
    } else if (t instanceof GatewayTimeoutException || t instanceof GatewayUnavailableException) {
      render(ctx, new ZapException(HttpStatus.INTERNAL_SERVER_ERROR,
          "An error occured processing the request: no decision in time; it is accepted and will be decided, retry shortly", 1, null));
    } else {
      log.error("unexpected failure on {} {}", ctx.method(), ctx.path(), t);
      render(ctx, new ZapException(HttpStatus.INTERNAL_SERVER_ERROR, "An error occured processing the request", null, null));
    }
  }

  static void render(Context ctx, ZapException e) {
    ctx.attribute(io.otpstream.api.errors.Families.RENDERED, true);
    if (e.retryAfterSeconds() != null) {
      ctx.header("Retry-After", Integer.toString(e.retryAfterSeconds()));
    }
    if (e.rule() != null) {
      ctx.header("X-Otp-Rule", e.rule());
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("success", false);
    body.put("message", e.getMessage());
    ctx.status(e.status()).json(body);
  }
}
