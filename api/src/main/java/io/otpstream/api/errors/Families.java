package io.otpstream.api.errors;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import io.otpstream.api.gateway.GatewayTimeoutException;
import io.otpstream.api.gateway.GatewayUnavailableException;
import io.otpstream.api.requestlog.RequestLog;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.eclipse.jetty.http.BadMessageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's error families, registered once: every refusal, timeout, failure and unrouted
 * request (an unknown path or method, a body over the cap or unreadable) is answered by the family
 * that owns the request's path, never with a stack trace. The last family owns every path no other
 * one owns.
 */
public final class Families {
  private static final Logger log = LoggerFactory.getLogger(Families.class);

  private final List<ErrorFamily> families;
  private final String tooLarge;

  /**
   * @param families in the order they are asked; the last one answers any path
   * @param tooLarge the message for a body over the server's cap
   */
  public Families(List<ErrorFamily> families, String tooLarge) {
    this.families = List.copyOf(families);
    this.tooLarge = tooLarge;
  }

  public ErrorFamily owner(String path) {
    for (ErrorFamily f : families) {
      if (f.owns(path)) {
        return f;
      }
    }
    return families.get(families.size() - 1);
  }

  public void render(Context ctx, Refusal refusal) {
    owner(ctx.path()).answer(refusal, ctx.path()).writeTo(ctx);
  }

  /** The exception and error handlers of the server. */
  public void register(RoutesConfig routes) {
    routes.exception(Refusal.class, (e, ctx) -> render(ctx, e));
    routes.exception(
        HttpResponseException.class,
        (e, ctx) -> {
          HttpStatus status = HttpStatus.forStatus(e.getStatus());
          render(
              ctx,
              Refusal.of(
                  status,
                  switch (status) {
                    case CONTENT_TOO_LARGE -> tooLarge;
                    case NOT_FOUND -> noRoute(ctx);
                    case METHOD_NOT_ALLOWED ->
                        "Method " + ctx.method() + " is not allowed on " + ctx.path();
                    default ->
                        e.getMessage() == null || e.getMessage().isBlank()
                            ? status.getMessage()
                            : e.getMessage();
                  }));
        });
    routes.exception(
        CompletionException.class, (e, ctx) -> fail(ctx, e.getCause() == null ? e : e.getCause()));
    routes.exception(Exception.class, (e, ctx) -> fail(ctx, e));
    routes.error(
        404,
        ctx -> {
          if (!Answer.written(ctx)) {
            render(ctx, Refusal.notFound(noRoute(ctx)));
          }
        });
    routes.error(
        413,
        ctx -> {
          if (!Answer.written(ctx)) {
            render(ctx, Refusal.of(HttpStatus.CONTENT_TOO_LARGE, tooLarge));
          }
        });
  }

  private static String noRoute(Context ctx) {
    return "No route " + ctx.method() + " " + ctx.path();
  }

  private void fail(Context ctx, Throwable t) {
    ErrorFamily family = owner(ctx.path());
    if (tooSlow(t)) {
      render(
          ctx,
          Refusal.of(
              HttpStatus.REQUEST_TIMEOUT, "The request body arrived too slowly and was cut off"));
    } else if (unreadable(t)) {
      render(ctx, Refusal.badRequest("The request body could not be read"));
    } else if (t instanceof Refusal r) {
      render(ctx, r);
    } else if (t instanceof GatewayTimeoutException || t instanceof GatewayUnavailableException) {
      render(ctx, family.timeout());
    } else {
      try (RequestLog.Ids ids = RequestLog.ids(ctx)) {
        log.error("unexpected failure on {} {}", ctx.method(), ctx.path(), t);
      }
      render(ctx, family.internal());
    }
  }

  /** A body slower than the server's minimum data rate (Jetty's 408). */
  private static boolean tooSlow(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof BadMessageException b && b.getCode() == 408) {
        return true;
      }
    }
    return false;
  }

  /**
   * A body the client broke off or framed wrongly (Jetty's EofException, BadMessageException): the
   * client's fault.
   */
  private static boolean unreadable(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof IOException || c instanceof BadMessageException) {
        return true;
      }
    }
    return false;
  }
}
