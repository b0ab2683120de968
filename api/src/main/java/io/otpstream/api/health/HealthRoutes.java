package io.otpstream.api.health;

import io.javalin.config.RoutesConfig;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * {@code /health/live} answers while the process serves; {@code /health/ready} only when every part
 * is ready.
 */
public final class HealthRoutes {
  private HealthRoutes() {}

  public static void register(RoutesConfig routes, BooleanSupplier ready) {
    routes.get("/health/live", ctx -> ctx.json(Map.of("status", "UP")));
    routes.get(
        "/health/ready",
        ctx -> {
          boolean ok = ready.getAsBoolean();
          ctx.status(ok ? 200 : 503).json(Map.of("status", ok ? "UP" : "DOWN"));
        });
  }
}
