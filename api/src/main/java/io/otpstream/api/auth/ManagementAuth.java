package io.otpstream.api.auth;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.security.RouteRole;
import io.otpstream.api.apps.AppDirectory;
import io.otpstream.api.errors.Echo;
import io.otpstream.api.errors.Refusal;
import io.otpstream.common.secret.Secrets;
import io.otpstream.schemas.apps.App;

/**
 * {@code Authorization: Bearer <management key>}, checked against the hashes in the catalogue by
 * one filter before every route registered with {@link #KEY}, in whichever API's error format the
 * route answers. On a route with an {@code {appId}} the filter then finds the app (404 when there
 * is none), which the handler reads with {@link #app}.
 */
public final class ManagementAuth {
  /** The role of the routes that need the management key. */
  public static final RouteRole KEY = Role.MANAGEMENT_KEY;

  private static final String APP = "otp-management-app";

  private enum Role implements RouteRole {
    MANAGEMENT_KEY
  }

  private final AppDirectory directory;

  public ManagementAuth(AppDirectory directory) {
    this.directory = directory;
  }

  public void register(RoutesConfig routes) {
    routes.beforeMatched(this::check);
  }

  /** The app of the path's {@code {appId}}, found by the filter. */
  public static App app(Context ctx) {
    return ctx.attribute(APP);
  }

  private void check(Context ctx) {
    if (!ctx.routeRoles().contains(KEY)) {
      return;
    }
    String header = ctx.header("Authorization");
    if (header == null
        || !header.regionMatches(true, 0, "Bearer ", 0, 7)
        || header.length() > 300) {
      throw Refusal.unauthorized(
          "A management key is required: Authorization: Bearer <management key>");
    }
    if (!directory.isManagementKeyHash(Secrets.sha256Hex(header.substring(7).strip()))) {
      throw Refusal.unauthorized("Invalid management key");
    }
    if (ctx.pathParamMap().containsKey("appId")) {
      String appId = ctx.pathParam("appId");
      ctx.attribute(
          APP,
          directory
              .app(appId)
              .orElseThrow(() -> Refusal.notFound("No app '" + Echo.of(appId, 64) + "'")));
    }
  }
}
