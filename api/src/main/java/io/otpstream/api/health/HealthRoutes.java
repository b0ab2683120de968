package io.otpstream.api.health;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * {@code /health/live} answers 200 while every liveness check passes (a failing one means the
 * process cannot recover by itself: restart it); {@code /health/ready} 200 only while every
 * readiness check passes (send it traffic). Both answer 503 otherwise, and list their checks:
 * {@code {"status": "DOWN", "checks": {"reply_consumer": "DOWN", ...}}}.
 */
public final class HealthRoutes {
  private HealthRoutes() {}

  public static void register(RoutesConfig routes, HealthChecks live, HealthChecks ready) {
    routes.get("/health/live", ctx -> answer(ctx, live));
    routes.get("/health/ready", ctx -> answer(ctx, ready));
  }

  /** Live while the process serves; ready when {@code ready} says so. */
  public static void register(RoutesConfig routes, BooleanSupplier ready) {
    register(routes, HealthChecks.none(), HealthChecks.of("ready", ready));
  }

  private static void answer(Context ctx, HealthChecks checks) {
    Map<String, Boolean> results = checks.evaluate();
    boolean up = results.values().stream().allMatch(Boolean::booleanValue);
    Map<String, String> shown = new LinkedHashMap<>();
    results.forEach((name, ok) -> shown.put(name, ok ? "UP" : "DOWN"));
    ctx.status(up ? 200 : 503).json(Map.of("status", up ? "UP" : "DOWN", "checks", shown));
  }
}
