package io.otpstream.e2e.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Grafana dashboard compose provisions: it reads the provisioned Prometheus data source and
 * shows requests, refusals by rule, delivery outcomes and latency.
 */
class DashboardTest {
  private static final Path GRAFANA = ComposeStackTest.ROOT.resolve("deploy/grafana");

  @Test
  void every_panel_queries_the_provisioned_prometheus_data_source() throws IOException {
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> sources =
        (List<Map<String, Object>>)
            ComposeStackTest.yaml(GRAFANA.resolve("provisioning/datasources/prometheus.yml"))
                .get("datasources");
    String uid = (String) sources.get(0).get("uid");
    JsonNode dashboard =
        new ObjectMapper().readTree(GRAFANA.resolve("dashboards/otpstream.json").toFile());
    assertTrue(dashboard.get("panels").size() >= 4, "too few panels");
    for (JsonNode panel : dashboard.get("panels")) {
      assertEquals(uid, panel.at("/datasource/uid").asText(), panel.get("title").asText());
      for (JsonNode target : panel.get("targets")) {
        assertEquals(uid, target.at("/datasource/uid").asText(), panel.get("title").asText());
        assertTrue(!target.get("expr").asText().isBlank(), panel.get("title").asText());
      }
    }
  }

  @Test
  void the_dashboard_shows_requests_refusals_deliveries_and_latency() throws IOException {
    JsonNode dashboard =
        new ObjectMapper().readTree(GRAFANA.resolve("dashboards/otpstream.json").toFile());
    List<String> exprs = new ArrayList<>();
    dashboard
        .get("panels")
        .forEach(p -> p.get("targets").forEach(t -> exprs.add(t.get("expr").asText())));
    for (String metric :
        List.of(
            "otp_http_requests_seconds_count",
            "otp_http_requests_seconds_bucket",
            "otp_decisions_total",
            "otp_deliveries_total")) {
      assertTrue(exprs.stream().anyMatch(e -> e.contains(metric)), metric + " is on no panel");
    }
    assertTrue(exprs.stream().anyMatch(e -> e.contains("sum by (rule)")), "no refusals by rule");
  }
}
