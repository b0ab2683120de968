package io.otpstream.e2e.management;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.otpstream.api.ApiServer;
import io.otpstream.common.outbox.Outbox;
import io.otpstream.dispatcher.provider.OutboxProvider;
import io.otpstream.e2e.support.Http;
import io.otpstream.e2e.support.SharedKafka;
import io.otpstream.e2e.support.TestPipeline;
import io.otpstream.e2e.support.TopicReader;
import io.otpstream.schemas.apps.AppCatalogRecord;
import io.otpstream.schemas.apps.AppSettings;
import io.otpstream.schemas.audit.AuditEvent;
import io.otpstream.schemas.audit.AuditType;
import io.otpstream.schemas.serde.AvroSerde;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * GET/PUT /v2/apps/{appId}/settings: validation, versions, optimistic concurrency (a PUT based on a
 * stale version is 409, concurrent PUTs never write one version twice), and a change that applies
 * to the next decision.
 */
class SettingsApiTest {
  private static TestPipeline pipeline;
  private static Http http;
  private static Map<String, String> auth;

  @BeforeAll
  static void start() throws Exception {
    Outbox outbox = TestPipeline.newOutbox();
    OutboxProvider sms = new OutboxProvider(outbox, "sms", Clock.systemUTC());
    OutboxProvider email = new OutboxProvider(outbox, "email", Clock.systemUTC());
    pipeline = TestPipeline.start("settings", sms, email, s -> s); // version 0: the defaults
    http = new Http(pipeline.baseUrl());
    auth = Map.of("Authorization", "Bearer " + pipeline.managementKey);
  }

  @AfterAll
  static void stop() {
    pipeline.close();
  }

  private static String path() {
    return "/v2/apps/" + pipeline.appId + "/settings";
  }

  @Test
  void settings_are_read_replaced_validated_and_versioned_and_apply_to_the_next_decision() {
    Http.Response initial = http.get(path(), auth);
    assertEquals(200, initial.status(), initial.raw());
    long v0 = initial.json().get("version").asLong();
    assertEquals(30, initial.json().get("resend_cooldown_seconds").asInt());
    assertEquals(5, initial.json().get("resends_per_subject").get("limit").asInt());
    assertEquals(600, initial.json().get("resends_per_subject").get("window_seconds").asInt());
    assertTrue(initial.json().get("quota").isNull());

    // a refused cooldown under the current settings
    Http.Response sent =
        http.postJson(
            "/api/v1/otp/send",
            pipeline.liveKey,
            Map.of(
                "channels",
                List.of("email"),
                "recipients",
                Map.of("email", "settings@example.com")));
    String token = sent.json().get("data").get("session_token").asText();
    Http.Response cooled =
        http.postJson("/api/v1/otp/resend", pipeline.liveKey, Map.of("session_token", token));
    assertEquals(429, cooled.status(), cooled.raw());
    assertEquals("resend_cooldown_seconds", cooled.header("X-Otp-Rule"));
    assertEquals(
        java.util.Set.of("statusCode", "message", "error"),
        fieldNames(cooled.json()),
        "exactly seed 003's body");
    int retryAfter = Integer.parseInt(cooled.header("Retry-After"));
    assertTrue(retryAfter >= 1 && retryAfter <= 30, "Retry-After " + retryAfter);

    Http.Response put =
        http.put(
            path(),
            auth,
            "{\"resend_cooldown_seconds\": 0, \"max_resends_per_session\": 1,"
                + " \"sends_per_ip\": {\"limit\": 50, \"window_seconds\": 60}, \"allowed_countries\": [\"fr\", \"US\"]}");
    assertEquals(200, put.status(), put.raw());
    JsonNode v = put.json();
    assertEquals(v0 + 1, v.get("version").asLong());
    assertEquals(0, v.get("resend_cooldown_seconds").asInt());
    assertEquals(
        List.of("FR", "US"),
        List.of(
            v.get("allowed_countries").get(0).asText(),
            v.get("allowed_countries").get(1).asText()));
    assertEquals(6, v.get("otp_length").asInt(), "fields left out take their defaults");
    assertEquals(10, v.get("sends_per_number_block").get("limit").asInt());
    assertEquals(3600, v.get("sends_per_number_block").get("window_seconds").asInt());
    assertEquals(v0 + 1, http.get(path(), auth).json().get("version").asLong());

    // the next decision uses the new version, with no restart
    assertEquals(
        200,
        http.postJson("/api/v1/otp/resend", pipeline.liveKey, Map.of("session_token", token))
            .status());
    Http.Response second =
        http.postJson("/api/v1/otp/resend", pipeline.liveKey, Map.of("session_token", token));
    assertEquals(429, second.status(), second.raw());
    assertEquals("max_resends_per_session", second.header("X-Otp-Rule"));

    AvroSerde<AuditEvent> serde = AvroSerde.of(AuditEvent.class);
    List<AuditEvent> events =
        TopicReader.readUntil(
                SharedKafka.bootstrapServers(),
                pipeline.kafka.topics().events.name(),
                all ->
                    all.stream()
                            .map(r -> serde.decode(r.value()))
                            .filter(e -> e.getType() == AuditType.RESENT)
                            .count()
                        == 1)
            .stream()
            .map(r -> serde.decode(r.value()))
            .toList();
    AuditEvent resent =
        events.stream().filter(e -> e.getType() == AuditType.RESENT).findFirst().orElseThrow();
    assertEquals(
        v0 + 1, resent.getSettingsVersion(), "the decision records the settings version it used");
    assertTrue(
        events.stream()
            .filter(e -> e.getType() == AuditType.SESSION_STARTED)
            .allMatch(e -> e.getSettingsVersion() == v0));
  }

  private static java.util.Set<String> fieldNames(JsonNode n) {
    java.util.Set<String> names = new java.util.HashSet<>();
    n.fieldNames().forEachRemaining(names::add);
    return names;
  }

  @Test
  void a_value_out_of_range_is_refused_with_400_naming_the_field() {
    Map<String, String> cases =
        Map.of(
            "{\"otp_length\": 3}", "otp_length",
            "{\"expiry_seconds\": 999999}", "expiry_seconds",
            "{\"sends_per_ip\": {\"limit\": 0, \"window_seconds\": 60}}", "sends_per_ip.limit",
            "{\"failed_checks_per_subject\": {\"limit\": 5}}", "failed_checks_per_subject",
            "{\"allowed_countries\": [\"XX\"]}", "allowed_countries",
            "{\"quota\": -1}", "quota",
            "{\"otp_lenght\": 6}", "otp_lenght",
            "{\"otp_length\": \"six\"}", "otp_length");
    cases.forEach(
        (body, field) -> {
          Http.Response r = http.put(path(), auth, body);
          assertEquals(400, r.status(), body + " -> " + r.raw());
          assertEquals("bad_request", r.json().get("code").asText());
          assertTrue(r.json().get("message").asText().contains(field), body + " -> " + r.raw());
        });
    Http.Response notJson = http.put(path(), auth, "{");
    assertEquals(400, notJson.status(), notJson.raw());
  }

  @Test
  void the_management_key_is_required_and_an_unknown_app_is_404() {
    assertEquals(401, http.get(path(), Map.of()).status());
    Http.Response wrong = http.get(path(), Map.of("Authorization", "Bearer mk_nope"));
    assertEquals(401, wrong.status());
    assertEquals("unauthorized", wrong.json().get("code").asText());
    assertEquals(
        401,
        http.get(path(), Map.of("Authorization", "Bearer " + pipeline.liveKey)).status(),
        "an API key is not a management key");
    Http.Response missing = http.get("/v2/apps/nope/settings", auth);
    assertEquals(404, missing.status(), missing.raw());
    assertEquals("not_found", missing.json().get("code").asText());
  }

  /** A fresh app of its own, so a test's settings writes touch no other test. */
  private static String newApp(String name) {
    Http.Response created = http.post("/v2/session/apps", auth, "{\"name\": \"" + name + "\"}");
    assertEquals(201, created.status(), created.raw());
    return created.json().get("id").asText();
  }

  private static String settingsPath(String appId) {
    return "/v2/apps/" + appId + "/settings";
  }

  private static Map<String, String> ifMatch(String etag) {
    return Map.of("Authorization", "Bearer " + pipeline.managementKey, "If-Match", etag);
  }

  @Test
  void the_body_a_get_answers_can_be_put_back_unchanged_and_writes_the_next_version() {
    String app = newApp("round trip");
    Http.Response got = http.get(settingsPath(app), auth);
    assertEquals(200, got.status(), got.raw());
    long v = got.json().get("version").asLong();

    Http.Response put = http.put(settingsPath(app), auth, got.raw());
    assertEquals(200, put.status(), put.raw());
    assertEquals(v + 1, put.json().get("version").asLong());
    ObjectNode before = ((ObjectNode) got.json()).deepCopy();
    ObjectNode after = ((ObjectNode) put.json()).deepCopy();
    for (ObjectNode n : List.of(before, after)) {
      n.remove(List.of("version", "updated_at"));
    }
    assertEquals(before, after, "every setting is kept as it was");
    assertEquals(v + 1, http.get(settingsPath(app), auth).json().get("version").asLong());
  }

  @Test
  void an_app_id_in_the_body_other_than_the_paths_is_400_naming_app_id_and_updated_at_is_ignored() {
    String app = newApp("app id");
    Http.Response other =
        http.put(settingsPath(app), auth, "{\"app_id\": \"app-someone-else\", \"otp_length\": 8}");
    assertEquals(400, other.status(), other.raw());
    assertEquals("bad_request", other.json().get("code").asText());
    assertTrue(other.json().get("message").asText().contains("app_id"), other.raw());
    assertEquals(
        0, http.get(settingsPath(app), auth).json().get("version").asLong(), "nothing written");

    Http.Response same =
        http.put(
            settingsPath(app),
            auth,
            "{\"app_id\": \""
                + app
                + "\", \"updated_at\": \"1999-01-01T00:00:00Z\", \"otp_length\": 8}");
    assertEquals(200, same.status(), same.raw());
    assertFalse(
        same.json().get("updated_at").asText().startsWith("1999"),
        "updated_at is set by the server: " + same.raw());
  }

  @Test
  void a_put_based_on_a_stale_version_is_409_conflict_and_writes_nothing() {
    String app = newApp("stale");
    Http.Response base = http.get(settingsPath(app), auth);
    long v = base.json().get("version").asLong();
    Http.Response first =
        http.put(settingsPath(app), auth, "{\"version\": " + v + ", \"otp_length\": 8}");
    assertEquals(200, first.status(), first.raw());
    assertEquals(v + 1, first.json().get("version").asLong());

    Http.Response stale =
        http.put(settingsPath(app), auth, "{\"version\": " + v + ", \"otp_length\": 4}");
    assertEquals(409, stale.status(), stale.raw());
    assertEquals("conflict", stale.json().get("code").asText(), stale.raw());
    assertEquals("conflict", stale.json().get("type").asText(), stale.raw());
    assertTrue(
        stale.json().get("message").asText().contains(Long.toString(v + 1)),
        "names the current version: " + stale.raw());

    Http.Response now = http.get(settingsPath(app), auth);
    assertEquals(v + 1, now.json().get("version").asLong());
    assertEquals(8, now.json().get("otp_length").asInt(), "the stale PUT changed nothing");

    Http.Response blind = http.put(settingsPath(app), auth, "{\"otp_length\": 7}");
    assertEquals(200, blind.status(), "a PUT without a version is a blind write: " + blind.raw());
    assertEquals(v + 2, blind.json().get("version").asLong());
  }

  @Test
  void get_answers_the_version_as_an_etag_and_a_put_with_a_stale_if_match_is_409() {
    String app = newApp("etag");
    Http.Response base = http.get(settingsPath(app), auth);
    long v = base.json().get("version").asLong();
    assertEquals("\"" + v + "\"", base.header("ETag"), base.headers().map().toString());

    Http.Response put =
        http.put(settingsPath(app), ifMatch("\"" + v + "\""), "{\"otp_length\": 8}");
    assertEquals(200, put.status(), put.raw());
    assertEquals("\"" + (v + 1) + "\"", put.header("ETag"));

    Http.Response stale =
        http.put(settingsPath(app), ifMatch("\"" + v + "\""), "{\"otp_length\": 4}");
    assertEquals(409, stale.status(), stale.raw());
    assertEquals("conflict", stale.json().get("code").asText());
    assertEquals(8, http.get(settingsPath(app), auth).json().get("otp_length").asInt());

    Http.Response malformed =
        http.put(settingsPath(app), ifMatch("yesterday"), "{\"otp_length\": 4}");
    assertEquals(400, malformed.status(), malformed.raw());
    assertTrue(malformed.json().get("message").asText().contains("If-Match"), malformed.raw());
  }

  @Test
  void
      ten_concurrent_puts_from_one_version_through_two_api_instances_write_it_once_and_the_rest_get_409()
          throws Exception {
    String app = newApp("concurrent");
    long v = http.get(settingsPath(app), auth).json().get("version").asLong();
    // a second api on the same cluster and topics: the race is between processes' worth of state
    try (ApiServer second =
        new ApiServer(
                new ApiServer.Config(
                    pipeline.kafka, "127.0.0.1", 0, 1, Duration.ofSeconds(5), false, List.of()),
                pipeline.secrets,
                () -> true)
            .start()) {
      List<Http> apis = List.of(http, new Http("http://localhost:" + second.port()));
      int writers = 10;
      CountDownLatch go = new CountDownLatch(1);
      ExecutorService pool = Executors.newFixedThreadPool(writers);
      try {
        List<Future<Http.Response>> answers = new ArrayList<>();
        for (int i = 0; i < writers; i++) {
          Http api = apis.get(i % 2);
          String body = "{\"version\": " + v + ", \"max_check_attempts\": " + (i + 1) + "}";
          Callable<Http.Response> put =
              () -> {
                go.await();
                return api.put(settingsPath(app), auth, body);
              };
          answers.add(pool.submit(put));
        }
        go.countDown();
        int ok = 0;
        int conflicts = 0;
        List<String> unexpected = new ArrayList<>();
        for (Future<Http.Response> f : answers) {
          Http.Response r = f.get();
          if (r.status() == 200) {
            ok++;
            assertEquals(v + 1, r.json().get("version").asLong(), r.raw());
          } else if (r.status() == 409 && "conflict".equals(r.json().get("code").asText())) {
            conflicts++;
          } else {
            unexpected.add(r.status() + " " + r.raw());
          }
        }
        assertTrue(unexpected.isEmpty(), "unexpected answers: " + unexpected);
        assertEquals(1, ok, "exactly one PUT based on version " + v + " may win");
        assertEquals(writers - 1, conflicts);
      } finally {
        pool.shutdownNow();
      }
    }
    assertEquals(List.of(v + 1), settingsVersionsWritten(app), "each version is written once");
  }

  @Test
  void concurrent_blind_puts_each_write_a_version_of_their_own() throws Exception {
    String app = newApp("blind");
    int writers = 6;
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    List<Long> answered = new ArrayList<>();
    try {
      List<Future<Http.Response>> answers = new ArrayList<>();
      for (int i = 0; i < writers; i++) {
        String body = "{\"max_check_attempts\": " + (i + 1) + "}";
        answers.add(
            pool.submit(
                () -> {
                  go.await();
                  return http.put(settingsPath(app), auth, body);
                }));
      }
      go.countDown();
      for (Future<Http.Response> f : answers) {
        Http.Response r = f.get();
        assertEquals(200, r.status(), r.raw());
        answered.add(r.json().get("version").asLong());
      }
    } finally {
      pool.shutdownNow();
    }
    List<Long> written = settingsVersionsWritten(app);
    assertEquals(
        written.stream().distinct().toList(), written, "no version written twice: " + written);
    assertEquals(writers, written.size(), "every blind write kept: " + written);
    assertEquals(
        writers,
        answered.stream().distinct().count(),
        "each PUT answered its own version: " + answered);
  }

  @Test
  void a_limit_above_10000_per_window_is_refused_with_400_naming_the_field() {
    String app = newApp("cap");
    Http.Response r =
        http.put(
            settingsPath(app),
            auth,
            "{\"sends_per_ip\": {\"limit\": 1000000, \"window_seconds\": 3600}}");
    assertEquals(400, r.status(), r.raw());
    assertEquals("bad_request", r.json().get("code").asText());
    assertEquals(
        "sends_per_ip.limit must be between 1 and 10000 (got 1000000)",
        r.json().get("message").asText());
    Http.Response atCap =
        http.put(
            settingsPath(app),
            auth,
            "{\"sends_per_ip\": {\"limit\": 10000, \"window_seconds\": 3600}}");
    assertEquals(200, atCap.status(), atCap.raw());
  }

  /** The versions of {@code app}'s settings committed to otp.apps, in the order written. */
  private static List<Long> settingsVersionsWritten(String app) {
    Deserializer<AppCatalogRecord> values =
        pipeline.kafka.topics().apps.valueSerde().deserializer();
    String prefix = "settings/" + app + "/";
    return TopicReader.readAll(SharedKafka.bootstrapServers(), pipeline.kafka.topics().apps.name())
        .stream()
        .filter(
            r ->
                r.key() != null
                    && new String(r.key(), StandardCharsets.UTF_8).startsWith(prefix)
                    && r.value() != null)
        .map(
            r ->
                ((AppSettings)
                        values
                            .deserialize(pipeline.kafka.topics().apps.name(), r.value())
                            .getEntry())
                    .getVersion())
        .toList();
  }
}
