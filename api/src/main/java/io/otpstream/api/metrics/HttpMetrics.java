package io.otpstream.api.metrics;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.router.Endpoint;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Times every HTTP request: the timer {@code otp.http.requests} (Prometheus {@code
 * otp_http_requests_seconds_count}, {@code _sum}, {@code _max} and histogram {@code _bucket}s) by
 * {@code family}, {@code route}, {@code method} and {@code status}. The route is the matched route
 * template ({@code /v2/apps/{appId}/settings}), never the path a client sent, so no id, phone or
 * address becomes a label; a request no route matched counts under the route {@code unmatched}.
 */
public final class HttpMetrics {
  public static final String UNMATCHED = "unmatched";
  private static final String STARTED = "otp.http.started";

  private final MeterRegistry registry;

  public HttpMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  public void register(RoutesConfig routes) {
    routes.before(ctx -> ctx.attribute(STARTED, System.nanoTime()));
    routes.after(this::record);
  }

  private void record(Context ctx) {
    Long started = ctx.attribute(STARTED);
    if (started == null) {
      return;
    }
    String route = route(ctx);
    Timer.builder("otp.http.requests")
        .description("HTTP requests by API family, route template, method and status")
        .tag("family", route.equals(UNMATCHED) ? "none" : RouteFamilies.of(route))
        .tag("route", route)
        .tag("method", ctx.method().name())
        .tag("status", Integer.toString(ctx.statusCode()))
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofSeconds(30))
        .register(registry)
        .record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
  }

  private static String route(Context ctx) {
    Endpoint matched = ctx.endpoints().matchedHttpEndpoint();
    return matched == null ? UNMATCHED : matched.path;
  }
}
