package io.otpstream.e2e.dev;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.otpstream.common.json.Json;
import io.otpstream.common.secret.Secrets;
import io.otpstream.dev.local.DevCredentials;
import io.otpstream.dev.local.DevMode;
import io.otpstream.e2e.support.Http;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code otpstream dev} in-process: embedded broker, outbox pages, credentials, and a restart that
 * keeps everything.
 */
class DevModeTest {

  @TempDir Path dataDir;

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** A port whose successor is free too: the embedded controller takes it. */
  private static int freePortPair() throws IOException {
    for (int i = 0; i < 50; i++) {
      int p = freePort();
      try (ServerSocket next = new ServerSocket(p + 1)) {
        return p;
      } catch (IOException taken) {
        // try another
      }
    }
    throw new IllegalStateException("no free port pair");
  }

  private static List<JsonNode> outbox(Http http, String sessionId) {
    List<JsonNode> all =
        Json.MAPPER.convertValue(
            http.get("/dev/outbox.json").json(),
            Json.MAPPER.getTypeFactory().constructCollectionType(List.class, JsonNode.class));
    return all.stream().filter(m -> m.get("session_id").asText().equals(sessionId)).toList();
  }

  @Test
  void dev_mode_serves_the_outbox_and_a_restart_keeps_keys_messages_and_sessions()
      throws Exception {
    int httpPort = freePort();
    int kafkaPort = freePortPair();
    Http http = new Http("http://localhost:" + httpPort);
    DevCredentials first;
    String token;
    String sessionId;
    try (DevMode.Running dev = new DevMode(dataDir, httpPort, kafkaPort).start()) {
      first = dev.credentials();
      JsonNode saved = Json.MAPPER.readTree(dataDir.resolve("dev-credentials.json").toFile());
      for (String field : List.of("app_id", "live_key", "test_key", "management_key", "api_url")) {
        assertTrue(saved.hasNonNull(field), "dev-credentials.json lacks " + field);
      }
      assertTrue(saved.get("live_key").asText().startsWith("sk_live_"));
      assertTrue(saved.get("test_key").asText().startsWith("sk_test_"));
      assertEquals("http://localhost:" + httpPort, saved.get("api_url").asText());
      assertEquals(200, http.get("/health/ready").status());
      Http.Response cooldown =
          http.put(
              "/v2/apps/" + first.appId() + "/settings",
              Map.of("Authorization", "Bearer " + first.managementKey()),
              "{\"resend_cooldown_seconds\": 0}");
      assertEquals(200, cooldown.status(), cooldown.raw());

      Http.Response sent =
          http.postJson(
              "/api/v1/otp/send",
              first.liveKey(),
              Map.of(
                  "channels",
                  List.of("sms", "email"),
                  "recipients",
                  Map.of("sms", "+14155550199", "email", "dev@example.com")));
      assertEquals(200, sent.status(), sent.raw());
      token = sent.json().get("data").get("session_token").asText();
      sessionId = sent.json().get("data").get("session_id").asText();
      await().atMost(Duration.ofSeconds(30)).until(() -> outbox(http, sessionId).size() == 2);
      Http.Response later =
          http.postJson(
              "/api/v1/otp/send",
              first.liveKey(),
              Map.of(
                  "channels",
                  List.of("email"),
                  "recipients",
                  Map.of("email", "later@example.com")));
      String laterSession = later.json().get("data").get("session_id").asText();
      await().atMost(Duration.ofSeconds(30)).until(() -> outbox(http, laterSession).size() == 1);
      JsonNode newest = http.get("/dev/outbox.json").json().get(0);
      assertEquals(laterSession, newest.get("session_id").asText(), "newest first");
      for (String field : List.of("channel", "to", "subject", "body", "sent_at", "session_id")) {
        assertTrue(newest.has(field), "outbox message lacks " + field);
      }
      Http.Response page = http.get("/dev/outbox");
      assertEquals(200, page.status());
      assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
      assertTrue(
          page.raw().contains("/dev/outbox.json") && page.raw().contains("setInterval"),
          "the page renders the JSON outbox (phones and inboxes) and refreshes by itself");
      assertTrue(
          page.raw().contains("textContent") && !page.raw().contains("innerHTML"),
          "message text is never parsed as HTML");
    }
    assertTrue(
        Files.exists(dataDir.resolve("kafka")) && Files.exists(dataDir.resolve("streams")),
        "data stays in the data folder");

    try (DevMode.Running again = new DevMode(dataDir, httpPort, kafkaPort).start()) {
      assertEquals(first.liveKey(), again.credentials().liveKey(), "the same keys after a restart");
      assertEquals(2, outbox(http, sessionId).size(), "messages kept");
      String before = outbox(http, sessionId).get(0).get("body").asText();
      Http.Response resent =
          http.postJson("/api/v1/otp/resend", first.liveKey(), Map.of("session_token", token));
      assertEquals(200, resent.status(), "the session survived the restart: " + resent.raw());
      await().atMost(Duration.ofSeconds(30)).until(() -> outbox(http, sessionId).size() == 4);
      assertNotEquals(
          before,
          outbox(http, sessionId).get(0).get("body").asText(),
          "a new code after the resend");
    }
  }

  private static String permissions(Path p) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }

  @Test
  void dev_mode_keeps_its_data_folder_secret_keys_and_outbox_owner_only() throws Exception {
    assumeTrue(
        dataDir.getFileSystem().supportedFileAttributeViews().contains("posix"),
        "POSIX permissions");
    // a data folder left by an earlier version: readable by everyone, with the secret and the
    // outbox in it
    Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.writeString(dataDir.resolve("secret"), Secrets.generate() + "\n");
    Files.writeString(dataDir.resolve("outbox.jsonl"), "");
    for (String file : List.of("secret", "outbox.jsonl")) {
      Files.setPosixFilePermissions(
          dataDir.resolve(file), PosixFilePermissions.fromString("rw-r--r--"));
    }
    int httpPort = freePort();
    try (DevMode.Running dev = new DevMode(dataDir, httpPort, freePortPair()).start()) {
      assertAll(
          () -> assertEquals("rwx------", permissions(dataDir), "the data folder"),
          () ->
              assertEquals(
                  "rwx------", permissions(dataDir.resolve("kafka")), "the broker's folder"),
          () -> assertEquals("rw-------", permissions(dataDir.resolve("secret")), "secret"),
          () ->
              assertEquals(
                  "rw-------",
                  permissions(dataDir.resolve("dev-credentials.json")),
                  "dev-credentials.json"),
          () ->
              assertEquals(
                  "rw-------", permissions(dataDir.resolve("outbox.jsonl")), "outbox.jsonl"));
    }
  }
}
