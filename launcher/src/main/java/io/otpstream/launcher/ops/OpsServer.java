package io.otpstream.launcher.ops;

import io.javalin.Javalin;
import io.otpstream.api.health.HealthChecks;
import io.otpstream.api.health.HealthRoutes;
import io.otpstream.api.metrics.HttpMetrics;
import io.otpstream.api.metrics.MetricsRoutes;
import io.otpstream.common.metrics.ServiceMetrics;

/**
 * The small HTTP server of a service without an HTTP API of its own (the processor and the
 * dispatchers), on {@code OTP_HEALTH_PORT}: {@code /health/live}, {@code /health/ready} and {@code
 * /metrics}, so every service answers the three on one port.
 */
public final class OpsServer implements AutoCloseable {
  private final Javalin app;

  private OpsServer(Javalin app) {
    this.app = app;
  }

  /** Starts it on {@code port} (0: any free port). */
  public static OpsServer start(
      int port, HealthChecks live, HealthChecks ready, ServiceMetrics metrics) {
    return new OpsServer(
        Javalin.create(
                cfg -> {
                  cfg.startup.showJavalinBanner = false;
                  cfg.jetty.port = port;
                  new HttpMetrics(metrics.registry()).register(cfg.routes);
                  HealthRoutes.register(cfg.routes, live, ready);
                  MetricsRoutes.register(cfg.routes, metrics);
                })
            .start());
  }

  public int port() {
    return app.port();
  }

  @Override
  public void close() {
    app.stop();
  }
}
