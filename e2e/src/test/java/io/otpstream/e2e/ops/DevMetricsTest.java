package io.otpstream.e2e.ops;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.otpstream.e2e.support.Http;
import io.otpstream.e2e.support.TestPipeline;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Everything in one process (the pipeline the dev mode runs): one registry, every service's meters
 * at the api's {@code /metrics}, and the api's health covering the whole pipeline.
 */
class DevMetricsTest {
  @Test
  void one_process_serves_the_meters_and_health_of_every_service_on_its_http_port()
      throws Exception {
    try (TestPipeline pipeline = TestPipeline.start("dev-metrics", TestPipeline.newOutbox())) {
      Http http = new Http(pipeline.baseUrl());
      Http.Response sent =
          http.postJson(
              "/api/v1/otp/send",
              pipeline.liveKey,
              Map.of("channels", List.of("email"), "recipients", Map.of("email", "d@example.com")));
      assertEquals(200, sent.status(), sent.raw());

      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> {
                Scrape s = new Scrape(http.get("/metrics").raw());
                assertEquals(
                    1.0,
                    s.valueOrZero(
                        "otp_http_requests_seconds_count",
                        Map.of("route", "/api/v1/otp/send", "status", "200", "service", "dev")),
                    s.lines("otp_http_requests_seconds_count"));
                assertEquals(
                    1.0,
                    s.valueOrZero(
                        "otp_decisions_total", Map.of("outcome", "STARTED", "service", "dev")),
                    s.lines("otp_decisions_total"));
                assertEquals(
                    1.0,
                    s.valueOrZero(
                        "otp_deliveries_total",
                        Map.of("channel", "email", "status", "SENT", "service", "dev")),
                    s.lines("otp_deliveries_total"));
              });

      Http.Response live = http.get("/health/live");
      assertEquals(200, live.status(), live.raw());
      for (String check :
          List.of("reply_consumer", "processor", "dispatcher_email", "dispatcher_webhook")) {
        assertEquals("UP", live.json().get("checks").get(check).asText(), live.raw());
      }
      Http.Response ready = http.get("/health/ready");
      assertEquals("UP", ready.json().get("checks").get("processor_running").asText(), ready.raw());
    }
  }
}
