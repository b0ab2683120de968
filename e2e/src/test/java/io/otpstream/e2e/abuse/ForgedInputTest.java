package io.otpstream.e2e.abuse;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.otpstream.common.json.Json;
import io.otpstream.common.outbox.Outbox;
import io.otpstream.e2e.support.Apps;
import io.otpstream.e2e.support.Apps.App;
import io.otpstream.e2e.support.Http;
import io.otpstream.e2e.support.TestPipeline;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What an attacker forges or replays (issue 16 point 3), black-box over HTTP: session tokens with a
 * changed payload, another app's token, an old token replayed after its session was verified, a
 * verification cookie of another app or altered, a body over the size cap, JSON nested thousands
 * deep. Each test names the check that refused it; the service keeps answering.
 */
class ForgedInputTest {
  private static final Pattern CODE = Pattern.compile("(\\d{6})");
  private static final AtomicInteger NUMBERS = new AtomicInteger();

  private static TestPipeline pipeline;
  private static Outbox outbox;
  private static Http http;

  @BeforeAll
  static void start() throws Exception {
    outbox = TestPipeline.newOutbox();
    pipeline = TestPipeline.start("forged", outbox);
    http = new Http(pipeline.baseUrl());
  }

  @AfterAll
  static void stop() {
    pipeline.close();
  }

  @Test
  void a_session_token_with_a_changed_payload_fails_the_hs256_signature_check() {
    String token = sessionToken(pipeline.liveKey, phone());
    String[] parts = token.split("\\.");
    String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
    String otherSession = payload.replaceFirst("\"sid\":\"ses_[0-9a-f]", "\"sid\":\"ses_x");
    assertTrue(!otherSession.equals(payload), "precondition: the sid changed in " + payload);
    String tampered =
        parts[0]
            + "."
            + Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(otherSession.getBytes(StandardCharsets.UTF_8))
            + "."
            + parts[2];
    String unsigned = "eyJhbGciOiJub25lIn0." + parts[1] + "."; // {"alg":"none"}

    assertSessionNotFound(resend(pipeline.liveKey, tampered));
    assertSessionNotFound(resend(pipeline.liveKey, unsigned));
  }

  @Test
  void another_apps_session_token_fails_the_token_app_check() {
    App other = Apps.create(http, pipeline.managementKey, "forged-other", "{}");
    String foreign = sessionToken(other.liveKey(), phone());

    assertSessionNotFound(resend(pipeline.liveKey, foreign));
    assertSessionNotFound(verify(pipeline.liveKey, foreign, "123456"));
    // and a live session's token with the sandbox key: sessions of one mode are not the other's
    assertSessionNotFound(resend(pipeline.testKey, sessionToken(pipeline.liveKey, phone())));
  }

  @Test
  void an_old_token_replayed_after_its_session_was_verified_meets_the_verified_session_check() {
    String phone = phone();
    String token = sessionToken(pipeline.liveKey, phone);
    String code = newestCode(phone);
    assertEquals(
        true, verify(pipeline.liveKey, token, code).json().get("data").get("verified").asBoolean());

    Http.Response replayedVerify = verify(pipeline.liveKey, token, code);
    Http.Response replayedResend = resend(pipeline.liveKey, token);

    assertEquals(400, replayedVerify.status(), replayedVerify.raw());
    assertEquals("Session already verified", replayedVerify.json().get("message").asText());
    assertEquals(400, replayedResend.status(), replayedResend.raw());
    assertEquals("Session already verified", replayedResend.json().get("message").asText());
  }

  @Test
  void a_verification_cookie_altered_or_of_another_app_fails_the_cookie_signature_check() {
    App other = Apps.create(http, pipeline.managementKey, "forged-cookie", "{}");
    String cookie = startLogin(other.host(), phone());
    String value = cookie.substring(cookie.indexOf('=') + 1);
    String ownName = "__Host-verification-login_" + pipeline.appId + "=";
    int at = value.lastIndexOf('.') > 0 ? value.lastIndexOf('.') + 5 : value.length() / 2;
    String flipped =
        value.substring(0, at) + (value.charAt(at) == 'A' ? 'B' : 'A') + value.substring(at + 1);

    Http.Response foreign = check(pipeline.appId + ".localhost", ownName + value);
    Http.Response altered =
        check(other.host(), cookie.substring(0, cookie.indexOf('=') + 1) + flipped);

    for (Http.Response r : List.of(foreign, altered)) {
      assertEquals(401, r.status(), r.raw());
      assertEquals("unauthorized", r.json().get("code").asText(), r.raw());
      assertEquals(
          "The verification cookie is invalid or expired; start a new verification",
          r.json().get("message").asText());
    }
  }

  @Test
  void a_body_over_the_64_kib_cap_is_refused_413_before_it_is_read() {
    String padding = "x".repeat(65 * 1024);
    String body =
        "{\"channels\": [\"email\"], \"recipients\": {\"email\": \"big@example.com\"},"
            + " \"metadata\": {\"pad\": \""
            + padding
            + "\"}}";

    Http.Response r = http.post("/api/v1/otp/send", Map.of("X-API-Key", pipeline.liveKey), body);

    assertEquals(413, r.status(), r.raw());
    assertEquals(413, r.json().get("statusCode").asInt(), r.raw());
    assertEquals("The request body is larger than 64 KiB", r.json().get("message").asText());
  }

  @Test
  void json_nested_thousands_deep_is_refused_400_by_the_parsers_nesting_limit() {
    String deep = "{\"metadata\": " + "{\"a\":".repeat(5_000) + "1" + "}".repeat(5_000) + "}";
    String deepArrays = "{\"extra\": " + "[".repeat(5_000) + "]".repeat(5_000) + "}";
    Map<String, String> session = new LinkedHashMap<>();
    session.put("Host", pipeline.appId + ".localhost");
    session.put("Content-Type", "application/json");

    Http.Response sendmator =
        http.post("/api/v1/otp/send", Map.of("X-API-Key", pipeline.liveKey), deep);
    Http.Response prelude = http.exchange("POST", "/v1/session/login/otp", session, deepArrays);

    String limit = "The body is nested deeper than 1000 levels of objects and arrays";
    assertEquals(400, sendmator.status(), sendmator.raw());
    assertEquals(limit, sendmator.json().get("message").asText());
    assertEquals(400, prelude.status(), prelude.raw());
    assertEquals(limit, prelude.json().get("message").asText());
    assertEquals(200, sendSms(pipeline.liveKey, phone()).status(), "the service still works");
  }

  private static String phone() {
    return "+3361" + String.format("%07d", 4_000_000 + NUMBERS.incrementAndGet());
  }

  private static Http.Response sendSms(String key, String phone) {
    return http.postJson(
        "/api/v1/otp/send",
        key,
        Map.of("channels", List.of("sms"), "recipients", Map.of("sms", phone)));
  }

  private static String sessionToken(String key, String phone) {
    Http.Response sent = sendSms(key, phone);
    assertEquals(200, sent.status(), sent.raw());
    return sent.json().get("data").get("session_token").asText();
  }

  private static Http.Response resend(String key, String token) {
    return http.postJson("/api/v1/otp/resend", key, Map.of("session_token", token));
  }

  private static Http.Response verify(String key, String token, String code) {
    return http.postJson(
        "/api/v1/otp/verify", key, Map.of("session_token", token, "otps", Map.of("sms", code)));
  }

  private static void assertSessionNotFound(Http.Response r) {
    assertEquals(400, r.status(), r.raw());
    assertEquals("Session not found", r.json().get("message").asText(), r.raw());
  }

  /** Starts a login on {@code host}; the verification cookie as {@code name=value}. */
  private static String startLogin(String host, String phone) {
    Map<String, String> h = new LinkedHashMap<>();
    h.put("Host", host);
    h.put("Content-Type", "application/json");
    Http.Response r =
        http.exchange(
            "POST",
            "/v1/session/login/otp",
            h,
            "{\"identifier\": {\"type\": \"phone_number\", \"value\": \"" + phone + "\"}}");
    assertEquals(204, r.status(), r.raw());
    String set = r.header("Set-Cookie");
    return set.substring(0, set.indexOf(';'));
  }

  private static Http.Response check(String host, String cookie) {
    Map<String, String> h = new LinkedHashMap<>();
    h.put("Host", host);
    h.put("Content-Type", "application/json");
    h.put("Cookie", cookie);
    try {
      return http.exchange(
          "POST",
          "/v1/session/login/otp/check",
          h,
          Json.MAPPER.writeValueAsString(Map.of("code", "000000")));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String newestCode(String to) {
    String body =
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () -> outbox.list().stream().filter(m -> m.to().equals(to)).toList(),
                l -> !l.isEmpty())
            .get(0)
            .body();
    Matcher m = CODE.matcher(body);
    assertTrue(m.find(), body);
    return m.group(1);
  }
}
