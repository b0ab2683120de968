package io.otpstream.api.errors;

import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.otpstream.api.sendmator.SendmatorErrors;
import io.otpstream.api.sendmator.SendmatorException;
import io.otpstream.api.zap.ZapErrors;
import io.otpstream.api.zap.ZapException;

/**
 * Failures no route decided (an unknown path or method, a body over the cap or unreadable),
 * answered in the error format of the family the path belongs to: Sendmator under
 * {@code /api/v1/otp}, ZAP at {@code /v1/otp/resend}, {@code {code, type, message}} elsewhere.
 * The session API answers a body over the cap with its 400 {@code bad_request}: its seeds have no 413.
 */
public final class Families {
  /** Set on a request once one of our renderers has written its error, so nothing overwrites it. */
  public static final String RENDERED = "otp-error-rendered";

  private Families() {
  }

  public static void render(Context ctx, HttpStatus status, String message) {
    if (SendmatorErrors.owns(ctx)) {
      SendmatorErrors.render(ctx, new SendmatorException(status, message));
    } else if (ZapErrors.owns(ctx)) {
      ZapErrors.handle(new ZapException(status, message, null, null), ctx);
    } else if (status == HttpStatus.CONTENT_TOO_LARGE && ctx.path().startsWith("/v1/session/")) {
      ApiErrors.render(ctx, ApiError.badRequest(message)); // seeds 000 and 001 list no 413: the family's 400
    } else {
      String code = switch (status) {
        case NOT_FOUND -> "not_found";
        case METHOD_NOT_ALLOWED -> "method_not_allowed";
        case CONTENT_TOO_LARGE -> "payload_too_large";
        case UNAUTHORIZED -> "unauthorized";
        case FORBIDDEN -> "forbidden";
        default -> status.getCode() >= 500 ? "internal" : "bad_request";
      };
      String type = status.getCode() >= 500 ? "internal" : code.equals("unauthorized") || code.equals("forbidden") ? code
          : code.equals("not_found") ? "not_found" : "bad_request";
      ApiErrors.render(ctx, new ApiError(status, code, type, message, null));
    }
  }

  public static boolean rendered(Context ctx) {
    return Boolean.TRUE.equals(ctx.attribute(RENDERED));
  }
}
