package io.otpstream.dev.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import io.javalin.json.JavalinJackson;
import io.otpstream.common.json.Json;
import io.otpstream.common.outbox.Outbox;
import io.otpstream.common.outbox.OutboxMessage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dev outbox over HTTP on a real Javalin server: it answers a loopback Host only, so a page on
 * another domain resolved to 127.0.0.1 (DNS rebinding) cannot read the codes.
 */
class OutboxRoutesTest {
  private static final String CODE_MESSAGE = "Your otpstream demo code is 493817";
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @TempDir Path dir;
  private Javalin server;

  @BeforeEach
  void start() {
    Outbox outbox = new Outbox(dir.resolve("outbox.jsonl"));
    outbox.deliver(
        new OutboxMessage(
            "sms", "+14155550100", null, CODE_MESSAGE, Instant.EPOCH, "ses_1", "ses_1:0:sms"));
    server =
        Javalin.create(
                cfg -> {
                  cfg.startup.showJavalinBanner = false;
                  cfg.jsonMapper(new JavalinJackson(Json.MAPPER, false));
                  cfg.jetty.host = "127.0.0.1";
                  cfg.jetty.port = 0;
                  OutboxRoutes.register(cfg.routes, outbox);
                })
            .start();
  }

  @AfterEach
  void stop() {
    server.stop();
  }

  private HttpResponse<String> get(String path, String host) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .header("Host", host)
            .build();
    return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void the_outbox_answers_a_loopback_host_on_any_port() throws Exception {
    int port = server.port();
    for (String host :
        List.of(
            "localhost:" + port,
            "localhost",
            "LocalHost:" + port,
            "demo.localhost:" + port,
            "127.0.0.1:" + port,
            "[::1]:" + port,
            "[::1]")) {
      HttpResponse<String> json = get("/dev/outbox.json", host);
      assertEquals(200, json.statusCode(), host);
      assertTrue(json.body().contains(CODE_MESSAGE), host + ": " + json.body());
      HttpResponse<String> page = get("/dev/outbox", host);
      assertEquals(200, page.statusCode(), host);
      assertTrue(page.body().contains("/dev/outbox.json"), host + ": the page");
    }
  }

  @Test
  void another_host_gets_403_in_the_api_error_format_and_no_message() throws Exception {
    int port = server.port();
    for (String host :
        List.of(
            "evil.example",
            "evil.example:" + port,
            "localhost.evil.example",
            "127.0.0.1.nip.io:" + port,
            "127.0.0.2:" + port)) {
      for (String path : List.of("/dev/outbox.json", "/dev/outbox")) {
        HttpResponse<String> r = get(path, host);
        assertEquals(403, r.statusCode(), host + " " + path + ": " + r.body());
        JsonNode body = Json.MAPPER.readTree(r.body());
        assertEquals("forbidden", body.path("code").asText(), r.body());
        assertEquals("forbidden", body.path("type").asText(), r.body());
        assertFalse(body.path("message").asText().isBlank(), r.body());
        assertFalse(
            r.body().contains("493817") || r.body().contains("outbox.json"),
            host + " " + path + ": " + r.body());
      }
    }
  }
}
