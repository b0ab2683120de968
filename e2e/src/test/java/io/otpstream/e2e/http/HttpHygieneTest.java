package io.otpstream.e2e.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.otpstream.common.outbox.Outbox;
import io.otpstream.dispatcher.provider.OutboxProvider;
import io.otpstream.e2e.support.Http;
import io.otpstream.e2e.support.TestPipeline;
import java.nio.file.Files;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What every family owes a client beyond its payload: a body with a field given twice is refused
 * (each family's 400, naming the field) rather than silently taking one of the values.
 */
class HttpHygieneTest {
  private static TestPipeline pipeline;
  private static Outbox outbox;
  private static Http http;

  @BeforeAll
  static void start() throws Exception {
    outbox = new Outbox(Files.createTempDirectory("otp-outbox").resolve("outbox.jsonl"));
    pipeline = TestPipeline.start("hygiene", new OutboxProvider(outbox, "sms", Clock.systemUTC()),
        new OutboxProvider(outbox, "email", Clock.systemUTC())); // no resend cooldown
    http = new Http(pipeline.baseUrl());
  }

  @AfterAll
  static void stop() {
    pipeline.close();
  }

  private static Map<String, String> session(String cookie) {
    Map<String, String> h = new LinkedHashMap<>();
    h.put("Host", pipeline.appId + ".localhost");
    h.put("Content-Type", "application/json");
    if (cookie != null) {
      h.put("Cookie", cookie);
    }
    return h;
  }

  private static Map<String, String> management() {
    return Map.of("Authorization", "Bearer " + pipeline.managementKey, "Content-Type", "application/json");
  }

  /** {@link Http#post} adds the Content-Type. */
  private static Map<String, String> sendmator(String key) {
    return Map.of("X-API-Key", key);
  }

  // ---- duplicate keys ---------------------------------------------------------------------------

  @Test
  void a_sendmator_body_with_a_field_given_twice_is_400_naming_the_field() {
    Http.Response r = http.post("/api/v1/otp/send", sendmator(pipeline.testKey),
        "{\"channels\": [\"sms\"], \"channels\": [\"email\"], \"recipients\": {\"email\": \"twice@example.com\"}}");
    assertEquals(400, r.status(), r.raw());
    assertEquals(400, r.json().get("statusCode").asInt(), r.raw());
    assertEquals("Bad Request", r.json().get("error").asText(), r.raw());
    assertTrue(r.json().get("message").asText().contains("channels"), r.raw());
  }

  @Test
  void a_session_api_body_with_a_nested_field_given_twice_is_400_bad_request_naming_the_field() {
    Http.Response r = http.exchange("POST", "/v1/session/login/otp", session(null),
        "{\"identifier\": {\"type\": \"email_address\", \"value\": \"one@example.com\", \"value\": \"two@example.com\"}}");
    assertEquals(400, r.status(), r.raw());
    assertEquals("bad_request", r.json().get("code").asText(), r.raw());
    assertEquals("bad_request", r.json().get("type").asText(), r.raw());
    assertTrue(r.json().get("message").asText().contains("identifier.value"), r.raw());
  }

  @Test
  void an_admin_resend_body_with_a_field_given_twice_is_400_in_the_zap_format() {
    Map<String, String> h = new LinkedHashMap<>(session(null));
    h.put("Authorization", "Bearer " + pipeline.managementKey);
    Http.Response r = http.exchange("POST", "/v1/otp/resend", h, "{\"email\": \"one@example.com\", \"email\": \"two@example.com\"}");
    assertEquals(400, r.status(), r.raw());
    assertFalse(r.json().get("success").asBoolean(), r.raw());
    assertTrue(r.json().get("message").asText().contains("email"), r.raw());
  }

  @Test
  void a_settings_body_with_a_field_given_twice_is_400_naming_the_field_and_writes_nothing() {
    String path = "/v2/apps/" + pipeline.appId + "/settings";
    long before = http.get(path, management()).json().get("version").asLong();
    Http.Response r = http.exchange("PUT", path, management(), "{\"otp_length\": 6, \"otp_length\": 8}");
    assertEquals(400, r.status(), r.raw());
    assertEquals("bad_request", r.json().get("code").asText(), r.raw());
    assertTrue(r.json().get("message").asText().contains("otp_length"), r.raw());
    assertEquals(before, http.get(path, management()).json().get("version").asLong());
  }
}
