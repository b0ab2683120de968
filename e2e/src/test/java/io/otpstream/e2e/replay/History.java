package io.otpstream.e2e.replay;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.otpstream.common.outbox.Outbox;
import io.otpstream.common.outbox.OutboxMessage;
import io.otpstream.e2e.support.Http;
import io.otpstream.e2e.support.TestPipeline;
import io.otpstream.schemas.apps.AppSettings;
import io.otpstream.schemas.apps.Limit;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A varied history driven through the api over HTTP, each answer asserted as a client sees it:
 * sandbox sessions; live sends to one and two destinations, delivered through the outbox (so
 * delivery statuses come back); a quota spent to its 402; Idempotency-Key requests repeated, also
 * from another address; the session API's login and checks; an admin resend; and the app's settings
 * changed through the management API half way.
 */
final class History {
  /**
   * The app's first settings (version 1): tight limits, so each stage refuses somewhere, and a
   * quota of 8 messages.
   */
  static final UnaryOperator<AppSettings> FIRST_SETTINGS =
      s ->
          AppSettings.newBuilder(s)
              .setVersion(1)
              .setResendCooldownSeconds(0)
              .setMaxResendsPerSession(2)
              .setSendsPerIp(new Limit(3, 3600))
              .setSendsPerSubject(new Limit(2, 3600))
              .setFailedChecksPerSubject(new Limit(3, 3600))
              .setQuota(8L)
              .build();

  /**
   * What the management API puts half way: a quota of 14 and 3 sends per subject, the rest as
   * before.
   */
  static final String SECOND_SETTINGS =
      "{\"resend_cooldown_seconds\": 0, \"max_resends_per_session\": 2,"
          + " \"sends_per_ip\": {\"limit\": 3, \"window_seconds\": 3600}, \"sends_per_subject\": {\"limit\": 3, \"window_seconds\": 3600},"
          + " \"failed_checks_per_subject\": {\"limit\": 3, \"window_seconds\": 3600}, \"quota\": 14,"
          + " \"sends_per_number_block\": {\"limit\": 10000, \"window_seconds\": 3600}}";

  private static final Pattern CODE = Pattern.compile("(\\d{6})");

  private final TestPipeline pipeline;
  private final Outbox outbox;
  private final Http http;

  History(TestPipeline pipeline, Outbox outbox) {
    this.pipeline = pipeline;
    this.outbox = outbox;
    this.http = new Http(pipeline.baseUrl());
  }

  /** Under the first settings (quota 8, at most 2 sends per subject): the quota ends in a 402. */
  void underTheFirstSettings() {
    sandboxSession("+14155550300", "s0@example.com", "10.1.0.1");
    for (String ip :
        List.of(
            "10.1.0.2", "10.1.0.3", "10.1.0.4")) { // the third send to one subject is one too many
      send(pipeline.testKey, ip, null, sms("+14155550301"), ip.endsWith(".4") ? 429 : 200);
    }
    for (int i = 0; i < 4; i++) { // the fourth send from one address is one too many
      send(pipeline.testKey, "10.1.0.5", null, sms("+1415555032" + i), i < 3 ? 200 : 429);
    }
    send(pipeline.testKey, "10.1.0.6", null, sms("+449012345678"), 400); // premium rate

    // live: 2 of 8 messages, to two destinations, with an Idempotency-Key repeated, also from
    // another address
    String first = both("+14155550310", "l1@example.com");
    Http.Response sent = send(pipeline.liveKey, "10.2.0.1", "send-l1", first, 200);
    String session = sent.json().get("data").get("session_id").asText();
    String token = sent.json().get("data").get("session_token").asText();
    for (String ip : List.of("10.2.0.1", "10.2.0.2")) {
      assertEquals(
          session,
          send(pipeline.liveKey, ip, "send-l1", first, 200)
              .json()
              .get("data")
              .get("session_id")
              .asText());
    }
    String code = code(m -> m.sessionId().equals(session) && m.channel().equals("sms"), 1);
    Http.Response wrong = verify(pipeline.liveKey, "10.2.0.1", "verify-l1", token, wrong(code));
    Http.Response again = verify(pipeline.liveKey, "10.2.0.2", "verify-l1", token, wrong(code));
    assertEquals(
        wrong.raw(), again.raw(), "a repeated check is answered as the first, not counted again");
    assertTrue(
        verify(pipeline.liveKey, "10.2.0.1", null, token, code)
            .json()
            .get("data")
            .get("verified")
            .asBoolean());

    // live: 3 more (a send, two resends, the first one repeated), then a resend over the limit,
    // refunded
    String token2 =
        send(pipeline.liveKey, "10.2.0.3", null, sms("+14155550311"), 200)
            .json()
            .get("data")
            .get("session_token")
            .asText();
    String resent = resend(pipeline.liveKey, "10.2.0.3", "resend-l2", token2, 200).raw();
    assertEquals(resent, resend(pipeline.liveKey, "10.2.0.4", "resend-l2", token2, 200).raw());
    resend(pipeline.liveKey, "10.2.0.3", null, token2, 200);
    resend(pipeline.liveKey, "10.2.0.3", null, token2, 429);

    login("+14155550312", "10.2.0.5"); // 6 of 8
    send(pipeline.liveKey, "10.2.0.6", null, both("+14155550313", "l3@example.com"), 200); // 8 of 8
    String over = sms("+14155550314");
    send(pipeline.liveKey, "10.2.0.7", "send-l4", over, 402);
    send(pipeline.liveKey, "10.2.0.8", "send-l4", over, 402);
  }

  /**
   * Replaces the app's settings through the management API (quota 14, 3 sends per subject); returns
   * their version.
   */
  long changeSettings() {
    Map<String, String> auth =
        Map.of(
            "Authorization",
            "Bearer " + pipeline.managementKey,
            "Content-Type",
            "application/json");
    String path = "/v2/apps/" + pipeline.appId + "/settings";
    Http.Response put = http.put(path, auth, SECOND_SETTINGS);
    assertEquals(200, put.status(), put.raw());
    long version = put.json().get("version").asLong();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> http.get(path, auth).json().get("version").asLong() == version);
    return version;
  }

  /**
   * Under the second settings: the first send repeated, more live traffic, an admin resend, the
   * quota spent again.
   */
  void underTheSecondSettings() {
    send(
        pipeline.liveKey,
        "10.2.0.9",
        "send-l1",
        both("+14155550310", "l1@example.com"),
        200); // answered as the first
    send(
        pipeline.liveKey,
        "10.2.0.10",
        null,
        both("+14155550315", "l5@example.com"),
        200); // 10 of 14
    Http.Response admin =
        http.exchange(
            "POST",
            "/v1/otp/resend",
            Map.of(
                "Host",
                pipeline.appId + ".localhost",
                "Content-Type",
                "application/json",
                "Authorization",
                "Bearer " + pipeline.managementKey,
                "X-Forwarded-For",
                "10.2.0.11"),
            "{\"phoneNumber\": \"+14155550315\"}");
    assertEquals(
        200, admin.status(), admin.raw()); // resumes the open session on both channels: 12 of 14
    login("+14155550316", "10.2.0.12"); // 13 of 14
    send(pipeline.liveKey, "10.2.0.13", null, both("+14155550317", "l6@example.com"), 402);
    send(pipeline.liveKey, "10.2.0.14", null, sms("+14155550318"), 200); // 14 of 14
    send(
        pipeline.testKey,
        "10.1.0.7",
        null,
        sms("+14155550301"),
        200); // a third send to that subject is allowed now
    sandboxSession("+14155550302", "s2@example.com", "10.1.0.8");
  }

  /**
   * A sandbox session: a wrong code, resends up to the per-session limit and one over, the right
   * code, a resend after.
   */
  private void sandboxSession(String phone, String email, String ip) {
    Http.Response sent = send(pipeline.testKey, ip, null, both(phone, email), 200);
    String token = sent.json().get("data").get("session_token").asText();
    String code = sent.json().get("data").get("otps").get("sms").asText();
    assertTrue(
        !verify(pipeline.testKey, ip, null, token, wrong(code))
            .json()
            .get("data")
            .get("verified")
            .asBoolean());
    for (int i = 0; i < 2; i++) {
      code =
          resend(pipeline.testKey, ip, null, token, 200)
              .json()
              .get("sandbox_otps")
              .get("sms")
              .asText();
    }
    resend(pipeline.testKey, ip, null, token, 429);
    assertTrue(
        verify(pipeline.testKey, ip, null, token, code)
            .json()
            .get("data")
            .get("verified")
            .asBoolean());
    assertEquals(
        "Session already verified",
        resend(pipeline.testKey, ip, null, token, 400).json().get("message").asText());
  }

  /** The session API: login by phone, a wrong code, then the right one. */
  private void login(String phone, String ip) {
    Map<String, String> h =
        Map.of(
            "Host",
            pipeline.appId + ".localhost",
            "Content-Type",
            "application/json",
            "X-Forwarded-For",
            ip);
    Http.Response started =
        http.exchange(
            "POST",
            "/v1/session/login/otp",
            h,
            "{\"identifier\": {\"type\": \"phone_number\", \"value\": \"" + phone + "\"}}");
    assertEquals(204, started.status(), started.raw());
    Map<String, String> withCookie = new LinkedHashMap<>(h);
    withCookie.put("Cookie", started.header("Set-Cookie").split(";", 2)[0]);
    String code = code(m -> m.to().equals(phone), 1);
    Http.Response wrong =
        http.exchange(
            "POST",
            "/v1/session/login/otp/check",
            withCookie,
            "{\"code\": \"" + wrong(code) + "\"}");
    assertEquals("bad_check_code", wrong.json().get("code").asText(), wrong.raw());
    Http.Response right =
        http.exchange(
            "POST", "/v1/session/login/otp/check", withCookie, "{\"code\": \"" + code + "\"}");
    assertEquals(200, right.status(), right.raw());
  }

  private Http.Response send(
      String key, String ip, String idempotencyKey, String body, int status) {
    Http.Response r = http.post("/api/v1/otp/send", headers(key, ip, idempotencyKey), body);
    assertEquals(status, r.status(), body + " from " + ip + ": " + r.raw());
    return r;
  }

  private Http.Response resend(
      String key, String ip, String idempotencyKey, String token, int status) {
    Http.Response r =
        http.post(
            "/api/v1/otp/resend",
            headers(key, ip, idempotencyKey),
            "{\"session_token\": \"" + token + "\"}");
    assertEquals(status, r.status(), r.raw());
    return r;
  }

  private Http.Response verify(
      String key, String ip, String idempotencyKey, String token, String code) {
    Http.Response r =
        http.post(
            "/api/v1/otp/verify",
            headers(key, ip, idempotencyKey),
            "{\"session_token\": \"" + token + "\", \"otps\": {\"sms\": \"" + code + "\"}}");
    assertEquals(200, r.status(), r.raw());
    return r;
  }

  private static Map<String, String> headers(String key, String ip, String idempotencyKey) {
    Map<String, String> h = new LinkedHashMap<>();
    h.put("X-API-Key", key);
    h.put("X-Forwarded-For", ip);
    if (idempotencyKey != null) {
      h.put("Idempotency-Key", idempotencyKey);
    }
    return h;
  }

  /**
   * The code in the newest of at least {@code count} delivered messages that {@code which} picks.
   */
  private String code(Predicate<OutboxMessage> which, int count) {
    List<OutboxMessage> messages =
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> outbox.list().stream().filter(which).toList(), l -> l.size() >= count);
    Matcher m = CODE.matcher(messages.get(0).body()); // newest first
    assertTrue(m.find(), messages.get(0).body());
    return m.group(1);
  }

  private static String wrong(String code) {
    String other = code.equals("000000") ? "111111" : "000000";
    assertNotEquals(code, other);
    return other;
  }

  private static String sms(String phone) {
    return "{\"channels\": [\"sms\"], \"recipients\": {\"sms\": \"" + phone + "\"}}";
  }

  private static String both(String phone, String email) {
    return "{\"channels\": [\"sms\", \"email\"], \"recipients\": {\"sms\": \""
        + phone
        + "\", \"email\": \""
        + email
        + "\"}}";
  }
}
