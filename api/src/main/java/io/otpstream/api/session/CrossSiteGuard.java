package io.otpstream.api.session;

import io.javalin.http.Context;
import io.otpstream.api.errors.Echo;
import io.otpstream.api.errors.Refusal;
import io.otpstream.schemas.apps.App;
import java.util.Locale;

/**
 * Keeps other sites' pages from using the verification cookie. The cookie is {@code SameSite=None}
 * (the app's front end is usually on another site), so a browser sends it with a request from any
 * page, including a form post or a no-cors fetch, which need no preflight. The endpoints it
 * authenticates (retry and check) therefore refuse what a browser marks as coming from elsewhere:
 * an {@code Origin} that is neither the app's own (the Host called, over https or the request's
 * scheme) nor one of its {@code allowed_origins} ({@code null} included), and, with no allowed
 * Origin, {@code Sec-Fetch-Site: cross-site}. A request without either header (a server, curl)
 * carries no visitor's cookie and passes. The refusal is seed 000's 401 {@code unauthorized}.
 */
final class CrossSiteGuard {
  private static final int MAX_ORIGIN = 200;

  private CrossSiteGuard() {}

  static void check(Context ctx, App app) {
    String origin = ctx.header("Origin");
    if (origin != null) {
      if (!allowed(ctx, app, origin)) {
        throw refused(
            "Origin "
                + Echo.of(origin, 80)
                + " is neither this app's origin nor in its allowed_origins: add it with"
                + " PATCH /v2/session/apps/"
                + app.getAppId());
      }
      return;
    }
    if ("cross-site".equalsIgnoreCase(ctx.header("Sec-Fetch-Site"))) {
      throw refused(
          "The browser says this request comes from another site and it names no allowed Origin");
    }
  }

  private static boolean allowed(Context ctx, App app, String origin) {
    if (origin.length() > MAX_ORIGIN) {
      return false;
    }
    String normalised = origin.strip().toLowerCase(Locale.ROOT);
    String host = ctx.header("Host");
    if (host != null) {
      String own = host.strip().toLowerCase(Locale.ROOT);
      if (normalised.equals("https://" + own)
          || normalised.equals(ctx.scheme().toLowerCase(Locale.ROOT) + "://" + own)) {
        return true;
      }
    }
    return app.getAllowedOrigins().contains(normalised);
  }

  private static Refusal refused(String why) {
    return Refusal.unauthorized("Cross-site request refused: " + why);
  }
}
