package io.otpstream.e2e.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.otpstream.api.ApiServer;
import io.otpstream.api.apps.AppCatalog;
import io.otpstream.common.kafka.KafkaSettings;
import io.otpstream.common.secret.Secrets;
import io.otpstream.e2e.support.Http;
import io.otpstream.e2e.support.SharedKafka;
import io.otpstream.schemas.topics.TopicBootstrap;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;

/**
 * {@code /openapi.json} is an OpenAPI 3.1 document of routes the server really has, and {@code
 * /docs} renders it.
 */
class OpenApiDocumentTest {
  private static final Set<String> METHODS =
      Set.of("get", "post", "put", "patch", "delete", "options");

  @Test
  void every_documented_operation_is_served_and_the_reference_page_loads() throws Exception {
    KafkaSettings kafka =
        KafkaSettings.of(SharedKafka.bootstrapServers())
            .withPrefix("openapi-" + UUID.randomUUID() + ".");
    try (Admin admin = Admin.create(kafka.clientProperties())) {
      TopicBootstrap.ensure(admin, kafka.topics(), (short) 1);
    }
    try (AppCatalog catalog = new AppCatalog(kafka)) {
      catalog.putApp("app-docs", "Docs");
    }
    try (ApiServer api =
        new ApiServer(
                new ApiServer.Config(
                    kafka, "127.0.0.1", 0, 0, Duration.ofMillis(500), false, List.of()),
                new Secrets(Secrets.randomBytes(32)),
                () -> true)
            .start()) {
      Http http = new Http("http://localhost:" + api.port());
      Http.Response doc = http.get("/openapi.json");
      assertEquals(200, doc.status());
      assertTrue(doc.header("Content-Type").startsWith("application/json"));
      assertTrue(
          doc.json().get("openapi").asText().startsWith("3.1"), doc.json().get("openapi").asText());

      List<String> missing = new ArrayList<>();
      int operations = 0;
      for (Iterator<Map.Entry<String, JsonNode>> paths = doc.json().get("paths").fields();
          paths.hasNext(); ) {
        Map.Entry<String, JsonNode> path = paths.next();
        String concrete = path.getKey().replaceAll("\\{[^}]+}", "app-docs");
        for (Iterator<String> methods = path.getValue().fieldNames(); methods.hasNext(); ) {
          String method = methods.next();
          if (!METHODS.contains(method)) {
            continue;
          }
          operations++;
          Http.Response r =
              http.exchange(
                  method.toUpperCase(Locale.ROOT),
                  concrete,
                  Map.of("Host", "app-docs.localhost", "Content-Type", "application/json"),
                  method.equals("get") ? null : "{}");
          boolean routed =
              r.status() != 405 && !(r.status() == 404 && r.raw().contains("No route"));
          if (!routed) {
            missing.add(method + " " + path.getKey() + " -> " + r.status() + " " + r.raw());
          }
          assertTrue(
              r.status() < 500 || concrete.startsWith("/v1/") || concrete.startsWith("/api/"),
              method + " " + concrete + " answered " + r.status() + ": " + r.raw());
        }
      }
      assertTrue(missing.isEmpty(), "documented but not served: " + missing);
      assertTrue(operations >= 38, "operations documented: " + operations);

      Http.Response page = http.get("/docs");
      assertEquals(200, page.status());
      assertTrue(page.header("Content-Type").startsWith("text/html"));
      assertTrue(page.raw().contains("/openapi.json"), "the page renders the served document");
    }
  }
}
