package io.otpstream.api.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.javalin.Javalin;
import io.javalin.http.BadRequestResponse;
import io.micrometer.core.instrument.Timer;
import io.otpstream.common.metrics.ServiceMetrics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The HTTP meters on a real Javalin server: labelled by route template, never by raw path. */
class HttpMetricsTest {
  private final ServiceMetrics metrics = new ServiceMetrics("api");
  private final HttpClient client = HttpClient.newHttpClient();
  private Javalin app;

  @BeforeEach
  void start() {
    app =
        Javalin.create(
                cfg -> {
                  cfg.startup.showJavalinBanner = false;
                  cfg.jetty.port = 0;
                  new HttpMetrics(metrics.registry()).register(cfg.routes);
                  MetricsRoutes.register(cfg.routes, metrics);
                  cfg.routes.get("/v2/apps/{appId}/settings", ctx -> ctx.result("ok"));
                  cfg.routes.post(
                      "/api/v1/otp/send",
                      ctx -> {
                        throw new BadRequestResponse("no");
                      });
                })
            .start();
  }

  @AfterEach
  void stop() {
    app.stop();
    metrics.close();
  }

  private HttpResponse<String> call(String method, String path) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create("http://localhost:" + app.port() + path))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private Timer timer(String route, String status) {
    return metrics
        .registry()
        .find("otp.http.requests")
        .tag("route", route)
        .tag("status", status)
        .timer();
  }

  @Test
  void requests_are_counted_by_route_template_and_status_without_raw_ids() throws Exception {
    assertEquals(200, call("GET", "/v2/apps/app-secret-id-1/settings").statusCode());
    assertEquals(200, call("GET", "/v2/apps/app-secret-id-2/settings").statusCode());
    assertEquals(400, call("POST", "/api/v1/otp/send").statusCode());
    assertEquals(404, call("GET", "/nowhere/+14155550100").statusCode());

    Timer settings = timer("/v2/apps/{appId}/settings", "200");
    assertNotNull(settings);
    assertEquals(2, settings.count());
    assertEquals(1, timer("/api/v1/otp/send", "400").count());
    assertEquals(1, timer(HttpMetrics.UNMATCHED, "404").count());

    String scraped = call("GET", "/metrics").body();
    assertTrue(
        scraped.contains(
            "otp_http_requests_seconds_count{family=\"management\",method=\"GET\","
                + "route=\"/v2/apps/{appId}/settings\",service=\"api\",status=\"200\"} 2"),
        scraped);
    assertTrue(scraped.contains("otp_http_requests_seconds_bucket{"), "latency histogram");
    assertTrue(scraped.contains("jvm_memory_used_bytes"), "JVM meters");
    assertFalse(scraped.contains("app-secret-id"), "an id in a label");
    assertFalse(scraped.contains("14155550100"), "a raw path in a label");
  }
}
