package io.otpstream.api.sendmator;

import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.otpstream.api.gateway.GatewayTimeoutException;
import io.otpstream.api.gateway.GatewayUnavailableException;
import io.otpstream.api.sendmator.SendmatorDtos.Error;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Renders every failure under the Sendmator prefix as {@code {statusCode, message, error}}, never a stack trace. */
public final class SendmatorErrors {
  private static final Logger log = LoggerFactory.getLogger(SendmatorErrors.class);

  /** Names the otpstream rule that refused (e.g. {@code resend_cooldown_seconds}). */
  public static final String RULE_HEADER = "X-Otp-Rule";

  private SendmatorErrors() {
  }

  static void register(io.javalin.config.RoutesConfig routes, String prefix) {
    // Handlers for the family's own exception; the server's central handler routes the rest here by path.
    routes.exception(SendmatorException.class, (e, ctx) -> render(ctx, e));
  }

  public static boolean owns(Context ctx) {
    return ctx.path().startsWith(SendmatorRoutes.PREFIX + "/") || ctx.path().equals(SendmatorRoutes.PREFIX);
  }

  /** Any failure on a Sendmator path, mapped to the family's error body. */
  public static void handle(Throwable t, Context ctx) {
    if (t instanceof SendmatorException e) {
      render(ctx, e);
    } else if (t instanceof GatewayTimeoutException || t instanceof GatewayUnavailableException) {
      render(ctx, new SendmatorException(HttpStatus.SERVICE_UNAVAILABLE,
          "Service temporarily unavailable: the request was accepted but not decided in time; retry shortly", 1));
    } else {
      log.error("unexpected failure on {} {}", ctx.method(), ctx.path(), t);
      render(ctx, new SendmatorException(HttpStatus.INTERNAL_SERVER_ERROR, "Internal server error"));
    }
  }

  public static void render(Context ctx, SendmatorException e) {
    ctx.attribute(io.otpstream.api.errors.Families.RENDERED, true);
    if (e.retryAfterSeconds() != null) {
      ctx.header("Retry-After", Integer.toString(e.retryAfterSeconds()));
    }
    if (e.rule() != null) {
      ctx.header(RULE_HEADER, e.rule()); // the body stays exactly seed 003's
    }
    ctx.status(e.status()).json(new Error(e.status().getCode(), e.getMessage(), e.status().getMessage()));
  }

  /** The family's answer for a path or method it does not serve. */
  public static void notFound(Context ctx) {
    render(ctx, new SendmatorException(HttpStatus.NOT_FOUND, "Cannot " + ctx.method() + " " + ctx.path()));
  }
}
