package io.otpstream.api.metrics;

import io.javalin.config.RoutesConfig;
import io.otpstream.common.metrics.ServiceMetrics;

/** {@code GET /metrics}: every meter of the process in the Prometheus text format. */
public final class MetricsRoutes {
  private MetricsRoutes() {}

  public static void register(RoutesConfig routes, ServiceMetrics metrics) {
    routes.get(
        "/metrics", ctx -> ctx.contentType(ServiceMetrics.CONTENT_TYPE).result(metrics.scrape()));
  }
}
