package io.otpstream.e2e.delivery;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.otpstream.common.outbox.Outbox;
import io.otpstream.common.outbox.OutboxMessage;
import io.otpstream.e2e.support.Http;
import io.otpstream.e2e.support.TestPipeline;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Templates per app, template id and locale, managed over HTTP and applied by the dispatchers
 * without a restart: the code, the app's name and the minutes to expiry, in the user's language.
 */
class TemplatesTest {
  private static final AtomicInteger PHONES = new AtomicInteger();
  private static TestPipeline pipeline;
  private static Outbox outbox;
  private static Http http;
  private static Map<String, String> auth;

  @BeforeAll
  static void start() throws Exception {
    outbox = TestPipeline.newOutbox();
    pipeline = TestPipeline.start("templates", outbox);
    http = new Http(pipeline.baseUrl());
    auth =
        Map.of(
            "Authorization",
            "Bearer " + pipeline.managementKey,
            "Content-Type",
            "application/json");
  }

  @AfterAll
  static void stop() {
    pipeline.close();
  }

  private static String templates() {
    return "/v2/session/apps/" + pipeline.appId + "/templates";
  }

  /**
   * Sends until a message renders with the new template (the dispatchers follow otp.apps a moment
   * behind the api).
   */
  private static OutboxMessage sendUntil(Map<String, Object> extra, String channel, String marker) {
    return await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              String to =
                  channel.equals("sms")
                      ? "+3361299" + String.format("%04d", PHONES.incrementAndGet())
                      : "t" + PHONES.incrementAndGet() + "@example.com";
              Map<String, Object> body =
                  new LinkedHashMap<>(
                      Map.of("channels", List.of(channel), "recipients", Map.of(channel, to)));
              body.putAll(extra);
              assertEquals(200, http.postJson("/api/v1/otp/send", pipeline.liveKey, body).status());
              return await()
                  .atMost(Duration.ofSeconds(15))
                  .until(
                      () -> outbox.list().stream().filter(m -> m.to().equals(to)).findFirst(),
                      Optional::isPresent)
                  .get();
            },
            m ->
                m.body().contains(marker) || (m.subject() != null && m.subject().contains(marker)));
  }

  @Test
  void an_apps_template_in_the_users_language_replaces_the_built_in_text() {
    Http.Response put =
        http.exchange(
            "PUT",
            templates() + "/default/fr",
            auth,
            "{\"sms\": \"Votre code {{app_name}} : {{code}} (valable {{minutes}} min)\","
                + " \"email_subject\": \"Code {{app_name}}\", \"email_text\": \"Code : {{code}}\","
                + " \"email_html\": \"<p>{{app_name}} : <b>{{code}}</b></p>\"}");
    assertEquals(200, put.status(), put.raw());
    assertEquals("fr", put.json().get("locale").asText());

    OutboxMessage sms = sendUntil(Map.of("locale", "fr-CA"), "sms", "Votre code");
    assertTrue(
        sms.body().matches("Votre code Acme templates : \\d{6} \\(valable 10 min\\)"), sms.body());

    OutboxMessage email = sendUntil(Map.of("locale", "fr"), "email", "Code Acme");
    assertEquals("Code Acme templates", email.subject());
    assertTrue(email.body().matches("Code : \\d{6}"), email.body());

    OutboxMessage english = sendUntil(Map.of("locale", "de"), "sms", "Your Acme templates code is");
    assertTrue(
        english.body().startsWith("Your Acme templates code is "),
        "no German template: the built-in text");

    Http.Response named =
        http.exchange(
            "PUT", templates() + "/tpl_signup/en", auth, "{\"sms\": \"Welcome! {{code}}\"}");
    assertEquals(200, named.status(), named.raw());
    OutboxMessage signup =
        sendUntil(Map.of("template_id", "tpl_signup", "locale", "en-GB"), "sms", "Welcome!");
    assertTrue(signup.body().matches("Welcome! \\d{6}"), signup.body());

    assertEquals(2, http.get(templates(), auth).json().get("templates").size());
    assertEquals(
        400,
        http.exchange("PUT", templates() + "/default/en", auth, "{\"sms\": \"no code here\"}")
            .status());
    assertEquals(
        400,
        http.exchange("PUT", templates() + "/default/not_a_locale", auth, "{\"sms\": \"{{code}}\"}")
            .status());
    assertEquals(
        400,
        http.postJson(
                "/api/v1/otp/send",
                pipeline.liveKey,
                Map.of(
                    "channels",
                    List.of("sms"),
                    "recipients",
                    Map.of("sms", "+33612999999"),
                    "locale",
                    "<script>"))
            .status());
    assertEquals(
        204, http.exchange("DELETE", templates() + "/tpl_signup/en", auth, (String) null).status());
    assertEquals(404, http.get(templates() + "/tpl_signup/en", auth).status());
  }
}
