package io.otpstream.e2e.http;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.otpstream.common.outbox.Outbox;
import io.otpstream.common.outbox.OutboxMessage;
import io.otpstream.e2e.support.Http;
import io.otpstream.e2e.support.TestPipeline;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What every family owes a client beyond its payload: a body with a field given twice is refused
 * (each family's 400, naming the field) rather than silently taking one of the values, and no
 * response that can carry a code, token or key may be stored by a cache ({@code Cache-Control:
 * no-store}), errors included; only the public documents stay cacheable.
 */
class HttpHygieneTest {
  private static final Pattern CODE = Pattern.compile("(\\d{6})");

  private static TestPipeline pipeline;
  private static Outbox outbox;
  private static Http http;

  @BeforeAll
  static void start() throws Exception {
    outbox = TestPipeline.newOutbox();
    pipeline = TestPipeline.start("hygiene", outbox); // no resend cooldown
    http = new Http(pipeline.baseUrl());
  }

  @AfterAll
  static void stop() {
    pipeline.close();
  }

  @Test
  void bodies_sent_byte_by_byte_do_not_hold_up_other_requests_and_are_cut_off() throws Exception {
    int slow = 300; // more than the server has threads
    try (SlowClients clients =
        new SlowClients(
            pipeline.baseUrl(),
            "/api/v1/otp/send",
            "X-API-Key: " + pipeline.testKey + "\r\n",
            slow)) {
      // each would take 4000 s to finish its body: another client is answered meanwhile
      Http.Response sent =
          http.post(
              "/api/v1/otp/send",
              sendmator(pipeline.testKey),
              "{\"channels\": [\"email\"], \"recipients\": {\"email\": \"quick@example.com\"}}");
      assertEquals(200, sent.status(), sent.raw());
      // and the server drops the slow ones (408) instead of waiting for their bodies
      await().atMost(Duration.ofSeconds(60)).until(clients::dropped, n -> n == slow);
      assertEquals(Set.of("HTTP/1.1 408 Request Timeout"), clients.answers());
    }
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
    return Map.of(
        "Authorization", "Bearer " + pipeline.managementKey, "Content-Type", "application/json");
  }

  /** {@link Http#post} adds the Content-Type. */
  private static Map<String, String> sendmator(String key) {
    return Map.of("X-API-Key", key);
  }

  private static String codeFor(String to) {
    List<OutboxMessage> messages =
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () -> outbox.list().stream().filter(m -> m.to().equals(to)).toList(),
                l -> !l.isEmpty());
    Matcher m = CODE.matcher(messages.get(0).body());
    assertTrue(m.find(), messages.get(0).body());
    return m.group(1);
  }

  private static String cookie(Http.Response r) {
    return r.header("Set-Cookie").split(";", 2)[0];
  }

  private static void assertNoStore(String what, Http.Response r) {
    assertEquals(
        "no-store", r.header("Cache-Control"), what + " (" + r.status() + ") " + r.headers().map());
  }

  // ---- kept-alive connections ------------------------------------------------------------------

  @Test
  void refusals_that_leave_the_body_unread_answer_every_request_on_a_kept_alive_connection() {
    // refused before the body is read (over the cap; a bad key): were the rest of the body left
    // on the connection, the server would close it under the client, which sees no answer at all
    String overCap = "{\"pad\": \"" + "a".repeat(70 * 1024) + "\"}";
    String small = "{\"channels\": [\"email\"], \"recipients\": {\"email\": \"kept@example.com\"}}";
    for (int i = 0; i < 150; i++) {
      Http.Response big = http.post("/api/v1/otp/send", sendmator(pipeline.testKey), overCap);
      assertEquals(413, big.status(), "over the cap, request " + i + ": " + big.raw());
      Http.Response badKey = http.post("/api/v1/otp/send", sendmator("sk_test_nope"), small);
      assertEquals(401, badKey.status(), "a bad key, request " + i + ": " + badKey.raw());
    }
  }

  // ---- duplicate keys ---------------------------------------------------------------------------

  @Test
  void a_sendmator_body_with_a_field_given_twice_is_400_naming_the_field() {
    Http.Response r =
        http.post(
            "/api/v1/otp/send",
            sendmator(pipeline.testKey),
            "{\"channels\": [\"sms\"], \"channels\": [\"email\"], \"recipients\": {\"email\": \"twice@example.com\"}}");
    assertEquals(400, r.status(), r.raw());
    assertEquals(400, r.json().get("statusCode").asInt(), r.raw());
    assertEquals("Bad Request", r.json().get("error").asText(), r.raw());
    assertTrue(r.json().get("message").asText().contains("channels"), r.raw());
  }

  @Test
  void a_session_api_body_with_a_nested_field_given_twice_is_400_bad_request_naming_the_field() {
    Http.Response r =
        http.exchange(
            "POST",
            "/v1/session/login/otp",
            session(null),
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
    Http.Response r =
        http.exchange(
            "POST",
            "/v1/otp/resend",
            h,
            "{\"email\": \"one@example.com\", \"email\": \"two@example.com\"}");
    assertEquals(400, r.status(), r.raw());
    assertFalse(r.json().get("success").asBoolean(), r.raw());
    assertTrue(r.json().get("message").asText().contains("email"), r.raw());
  }

  @Test
  void a_settings_body_with_a_field_given_twice_is_400_naming_the_field_and_writes_nothing() {
    String path = "/v2/apps/" + pipeline.appId + "/settings";
    long before = http.get(path, management()).json().get("version").asLong();
    Http.Response r =
        http.exchange("PUT", path, management(), "{\"otp_length\": 6, \"otp_length\": 8}");
    assertEquals(400, r.status(), r.raw());
    assertEquals("bad_request", r.json().get("code").asText(), r.raw());
    assertTrue(r.json().get("message").asText().contains("otp_length"), r.raw());
    assertEquals(before, http.get(path, management()).json().get("version").asLong());
  }

  // ---- Cache-Control ----------------------------------------------------------------------------

  @Test
  void sendmator_answers_with_session_tokens_and_sandbox_codes_are_not_stored_by_caches() {
    Http.Response sent =
        http.post(
            "/api/v1/otp/send",
            sendmator(pipeline.testKey),
            "{\"channels\": [\"email\"], \"recipients\": {\"email\": \"nostore@example.com\"}}");
    assertEquals(200, sent.status(), sent.raw());
    assertNoStore("send", sent);
    String token = sent.json().get("data").get("session_token").asText();
    Http.Response resent =
        http.post(
            "/api/v1/otp/resend",
            sendmator(pipeline.testKey),
            "{\"session_token\": \"" + token + "\"}");
    assertEquals(200, resent.status(), resent.raw());
    assertNoStore("resend", resent);
    assertNoStore("a Sendmator error", http.post("/api/v1/otp/send", Map.of(), "{}"));
  }

  @Test
  void session_api_cookies_access_tokens_and_challenge_tokens_are_not_stored_by_caches() {
    String email = "login-nostore@example.com";
    Http.Response started =
        http.exchange(
            "POST",
            "/v1/session/login/otp",
            session(null),
            "{\"identifier\": {\"type\": \"email_address\", \"value\": \"" + email + "\"}}");
    assertEquals(204, started.status(), started.raw());
    assertNoStore("login 204 with its cookie", started);
    String cookie = cookie(started);
    String code = codeFor(email);
    Http.Response wrong =
        http.exchange(
            "POST",
            "/v1/session/login/otp/check",
            session(cookie),
            "{\"code\": \"" + (code.equals("000000") ? "111111" : "000000") + "\"}");
    assertEquals(400, wrong.status(), wrong.raw());
    assertNoStore("a session API error", wrong);
    Http.Response checked =
        http.exchange(
            "POST", "/v1/session/login/otp/check", session(cookie), "{\"code\": \"" + code + "\"}");
    assertEquals(200, checked.status(), checked.raw());
    assertTrue(checked.json().has("access_token"));
    assertNoStore("the access token", checked);

    Http.Response challenge =
        http.exchange(
            "POST",
            "/v2/session/apps/" + pipeline.appId + "/challenge-tokens",
            management(),
            "{\"identifier\": {\"type\": \"email_address\", \"value\": \"stepup-nostore@example.com\"}}");
    assertEquals(201, challenge.status(), challenge.raw());
    assertNoStore("challenge-token creation", challenge);
    Http.Response stepUp =
        http.exchange(
            "POST",
            "/v1/session/otp",
            session(null),
            "{\"challenge_token\": \"" + challenge.json().get("challenge_token").asText() + "\"}");
    assertEquals(204, stepUp.status(), stepUp.raw());
    assertNoStore("step-up 204 with its cookie", stepUp);
    Http.Response verified =
        http.exchange(
            "POST",
            "/v1/session/otp/check",
            session(cookie(stepUp)),
            "{\"code\": \"" + codeFor("stepup-nostore@example.com") + "\"}");
    assertEquals(200, verified.status(), verified.raw());
    assertTrue(verified.json().has("challenge_token"));
    assertNoStore("the verified challenge token", verified);
  }

  @Test
  void
      management_answers_with_keys_and_errors_are_not_stored_by_caches_but_public_documents_are_cacheable() {
    Http.Response key =
        http.exchange(
            "POST",
            "/v2/session/apps/" + pipeline.appId + "/keys",
            management(),
            "{\"mode\": \"test\"}");
    assertEquals(201, key.status(), key.raw());
    assertTrue(key.json().get("key").asText().startsWith("sk_test_"));
    assertNoStore("API key creation", key);
    assertNoStore("settings", http.get("/v2/apps/" + pipeline.appId + "/settings", management()));
    assertNoStore("401", http.get("/v2/session/apps", Map.of()));
    assertNoStore("404 of no route", http.get("/no/such/route"));

    for (String doc : List.of("/.well-known/jwks.json", "/openapi.json", "/docs")) {
      Http.Response r = http.get(doc);
      assertEquals(200, r.status(), doc);
      assertNotEquals("no-store", r.header("Cache-Control"), doc + " is public and may be cached");
    }
  }
}
