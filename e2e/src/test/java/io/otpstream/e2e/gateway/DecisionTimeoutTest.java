package io.otpstream.e2e.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.otpstream.api.ApiServer;
import io.otpstream.api.apps.AppCatalog;
import io.otpstream.api.token.Verification;
import io.otpstream.api.token.VerificationTokens;
import io.otpstream.common.kafka.KafkaSettings;
import io.otpstream.common.secret.Secrets;
import io.otpstream.e2e.support.Http;
import io.otpstream.e2e.support.SeedSchemas;
import io.otpstream.e2e.support.SharedKafka;
import io.otpstream.e2e.support.TopicReader;
import io.otpstream.schemas.apps.KeyMode;
import io.otpstream.schemas.topics.TopicBootstrap;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * With no processor running, the api answers at once instead of hanging and keeps the command:
 * Sendmator 503, the session API and the admin resend their families' 500 {@code internal}, all
 * with Retry-After.
 */
class DecisionTimeoutTest {
  private static final String APP = "app-timeout";
  private static KafkaSettings kafka;
  private static Secrets secrets;
  private static String key;
  private static String management;
  private static ApiServer api;
  private static Http http;

  @BeforeAll
  static void start() throws Exception {
    kafka =
        KafkaSettings.of(SharedKafka.bootstrapServers())
            .withPrefix("timeout-" + UUID.randomUUID() + ".");
    try (Admin admin = Admin.create(kafka.clientProperties())) {
      TopicBootstrap.ensure(admin, kafka.topics(), (short) 1);
    }
    try (AppCatalog catalog = new AppCatalog(kafka)) {
      catalog.putApp(APP, "Timeout");
      key = catalog.createApiKey(APP, KeyMode.LIVE);
      management = catalog.createManagementKey();
    }
    secrets = new Secrets(Secrets.randomBytes(32));
    api =
        new ApiServer(
                new ApiServer.Config(
                    kafka, "127.0.0.1", 0, 0, Duration.ofMillis(700), false, List.of()),
                secrets,
                () -> true)
            .start();
    http = new Http("http://localhost:" + api.port());
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  @Test
  void a_sendmator_request_nobody_decides_gets_503_with_retry_after_and_the_command_is_kept() {
    int before =
        TopicReader.readAll(SharedKafka.bootstrapServers(), kafka.topics().requests.name()).size();
    Http.Response r =
        http.postJson(
            "/api/v1/otp/send",
            key,
            Map.of(
                "channels", List.of("email"), "recipients", Map.of("email", "late@example.com")));
    assertEquals(503, r.status(), r.raw());
    assertEquals("1", r.header("Retry-After"));
    assertEquals(503, r.json().get("statusCode").asInt());
    assertEquals("Service Unavailable", r.json().get("error").asText());
    assertEquals(
        before + 1,
        TopicReader.readAll(SharedKafka.bootstrapServers(), kafka.topics().requests.name()).size(),
        "the accepted request stays on otp.requests, to be decided when the processor runs");
  }

  @Test
  void the_session_api_answers_the_seeds_500_internal() {
    Map<String, String> headers =
        Map.of("Host", APP + ".localhost", "Content-Type", "application/json");
    Http.Response created =
        http.exchange(
            "POST",
            "/v1/session/otp",
            headers,
            "{\"identifier\": {\"type\": \"email_address\", \"value\": \"late@example.com\"}}");
    assertInternal(SeedSchemas.load("seeds/prelude-otp-create.yaml"), "/v1/session/otp", created);

    String cookie =
        new VerificationTokens(secrets)
            .sign(
                new Verification(
                    APP,
                    "sub_late",
                    "ses_late",
                    "email",
                    Verification.OTP,
                    "email_address",
                    null,
                    null,
                    null,
                    Instant.now().plusSeconds(600)));
    Http.Response retried =
        http.exchange(
            "POST",
            "/v1/session/otp/retry",
            Map.of(
                "Host",
                APP + ".localhost",
                "Content-Type",
                "application/json",
                "Cookie",
                "__Host-verification-login_" + APP + "=" + cookie),
            "");
    assertInternal(
        SeedSchemas.load("seeds/prelude-otp-retry.yaml"), "/v1/session/otp/retry", retried);
  }

  @Test
  void the_admin_resend_answers_500_only_for_this_internal_failure() {
    Http.Response r =
        http.exchange(
            "POST",
            "/v1/otp/resend",
            Map.of(
                "Host",
                APP + ".localhost",
                "Content-Type",
                "application/json",
                "Authorization",
                "Bearer " + management),
            "{\"email\": \"late@example.com\"}");
    assertEquals(500, r.status(), r.raw());
    assertEquals(false, r.json().get("success").asBoolean());
    assertEquals("1", r.header("Retry-After"));
  }

  private static void assertInternal(SeedSchemas seed, String path, Http.Response r) {
    assertEquals(500, r.status(), r.raw());
    assertEquals("internal", r.json().get("code").asText());
    assertEquals("1", r.header("Retry-After"));
    List<String> problems = seed.validate(path, "post", 500, r.raw());
    assertTrue(problems.isEmpty(), problems.toString());
  }
}
