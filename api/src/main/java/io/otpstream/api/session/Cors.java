package io.otpstream.api.session;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.otpstream.api.apps.AppDirectory;
import io.otpstream.api.apps.AppHost;
import io.otpstream.api.errors.Echo;
import io.otpstream.api.prelude.PreludeErrors;
import io.otpstream.schemas.apps.App;
import java.util.Locale;
import java.util.Optional;

/**
 * CORS for the session API: the front ends at an app's {@code allowed_origins} may call it with
 * credentials (the verification cookie). Other origins get no CORS headers, and their preflights a
 * 403 that says what to configure. The JWKS is public to every origin.
 */
public final class Cors {
  private static final String SESSION_PATHS = "/v1/session/*";

  private final AppDirectory directory;

  public Cors(AppDirectory directory) {
    this.directory = directory;
  }

  public void register(RoutesConfig routes) {
    routes.before(SESSION_PATHS, this::allowIfConfigured);
    routes.options(SESSION_PATHS, this::preflight);
    routes.before("/.well-known/jwks.json", ctx -> ctx.header("Access-Control-Allow-Origin", "*"));
  }

  private void allowIfConfigured(Context ctx) {
    allowedOrigin(ctx)
        .ifPresent(
            origin -> {
              ctx.header("Access-Control-Allow-Origin", origin);
              ctx.header("Access-Control-Allow-Credentials", "true");
            });
    ctx.header("Vary", "Origin");
  }

  private void preflight(Context ctx) {
    String origin = ctx.header("Origin");
    if (allowedOrigin(ctx).isEmpty()) {
      Optional<App> app = AppHost.app(ctx, directory);
      throw PreludeErrors.originNotAllowed(
          app.isEmpty()
              ? "Unknown app: call {appId}.session.<your domain> (or {appId}.localhost)"
              : "Origin "
                  + (origin == null ? "(none)" : Echo.of(origin, 80))
                  + " is not in the allowed_origins of app "
                  + app.get().getAppId()
                  + ": add it with PATCH /v2/session/apps/"
                  + app.get().getAppId());
    }
    ctx.header("Access-Control-Allow-Methods", "POST, OPTIONS");
    ctx.header("Access-Control-Allow-Headers", "Content-Type, DPoP, X-SDK-User-Agent");
    ctx.header("Access-Control-Max-Age", "600");
    ctx.status(HttpStatus.NO_CONTENT);
  }

  private Optional<String> allowedOrigin(Context ctx) {
    String origin = ctx.header("Origin");
    if (origin == null || origin.length() > 200) {
      return Optional.empty();
    }
    String normalised = origin.strip().toLowerCase(Locale.ROOT);
    return AppHost.app(ctx, directory)
        .filter(a -> a.getAllowedOrigins().contains(normalised))
        .map(a -> origin.strip());
  }
}
