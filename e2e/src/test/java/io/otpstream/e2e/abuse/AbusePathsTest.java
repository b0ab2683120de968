package io.otpstream.e2e.abuse;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberType;
import io.otpstream.common.outbox.Outbox;
import io.otpstream.common.outbox.OutboxMessage;
import io.otpstream.e2e.support.Apps;
import io.otpstream.e2e.support.Apps.App;
import io.otpstream.e2e.support.Http;
import io.otpstream.e2e.support.TestPipeline;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The abuse paths an attacker tries, black-box over HTTP against the running pipeline: a refused
 * request repeated with its Idempotency-Key from another address, sandbox keys spending live
 * windows, the second destination of a send, plus-tags, locking a user out with wrong codes,
 * rotating through an IPv6 /64, an end user behind the app's backend, a challenge token used twice,
 * the admin resend under either subject and its quota. Each test has an app of its own.
 */
class AbusePathsTest {
  private static final Pattern CODE = Pattern.compile("(\\d{6})");
  private static final AtomicInteger NUMBERS = new AtomicInteger();

  private static TestPipeline pipeline;
  private static Outbox outbox;
  private static Http http;

  @BeforeAll
  static void start() throws Exception {
    outbox = TestPipeline.newOutbox();
    pipeline = TestPipeline.start("abuse", outbox);
    http = new Http(pipeline.baseUrl());
  }

  @AfterAll
  static void stop() {
    pipeline.close();
  }

  // ---- Idempotency-Key from another address --------------------------------------------------

  @Test
  void
      a_premium_rate_send_refused_once_is_refused_again_when_repeated_with_its_idempotency_key_from_another_address() {
    App app = app("{}");
    String premium = "+19005550123";
    assertEquals(
        PhoneNumberType.PREMIUM_RATE,
        PhoneNumberUtil.getInstance().getNumberType(parse(premium)),
        "precondition");
    String key = "idem-" + UUID.randomUUID();

    Http.Response first =
        send(app.liveKey(), "203.0.113.10", sms(premium), Map.of("Idempotency-Key", key));
    Http.Response repeat =
        send(app.liveKey(), "203.0.113.11", sms(premium), Map.of("Idempotency-Key", key));

    assertRefused(first, 400, "premium_rate");
    assertRefused(repeat, 400, "premium_rate");
    assertNothingSentTo(premium, app);
  }

  @Test
  void a_send_to_a_country_the_app_refuses_stays_refused_when_repeated_from_another_address() {
    App app = app("{\"allowed_countries\": [\"FR\"]}");
    String us = "+14155550" + (100 + NUMBERS.incrementAndGet());
    String key = "idem-" + UUID.randomUUID();

    assertRefused(
        send(app.liveKey(), "203.0.113.12", sms(us), Map.of("Idempotency-Key", key)),
        400,
        "allowed_countries");
    assertRefused(
        send(app.liveKey(), "203.0.113.13", sms(us), Map.of("Idempotency-Key", key)),
        400,
        "allowed_countries");
    assertNothingSentTo(us, app);
  }

  @Test
  void
      a_send_refused_by_the_per_ip_limit_stays_refused_when_repeated_with_its_key_from_another_address() {
    App app = app("{\"sends_per_ip\": {\"limit\": 1, \"window_seconds\": 3600}}");
    assertEquals(200, send(app.liveKey(), "203.0.113.20", sms(phone()), Map.of()).status());
    String victim = phone();
    String key = "idem-" + UUID.randomUUID();

    Http.Response refused =
        send(app.liveKey(), "203.0.113.20", sms(victim), Map.of("Idempotency-Key", key));
    Http.Response repeat =
        send(app.liveKey(), "203.0.113.21", sms(victim), Map.of("Idempotency-Key", key));

    assertRefused(refused, 429, "sends_per_ip");
    assertRefused(repeat, 429, "sends_per_ip");
    assertNothingSentTo(victim, app);
  }

  // ---- sandbox ------------------------------------------------------------------------------

  @Test
  void sandbox_sends_to_a_number_do_not_use_up_its_live_window() {
    App app = app("{\"sends_per_subject\": {\"limit\": 3, \"window_seconds\": 3600}}");
    String number = phone();
    int sandboxOk = 0;
    for (int i = 0; i < 5; i++) {
      Http.Response r = send(app.testKey(), "203.0.113." + (30 + i), sms(number), Map.of());
      sandboxOk += r.status() == 200 ? 1 : 0;
      assertTrue(r.status() == 200 || r.status() == 429, r.raw());
    }

    Http.Response live = send(app.liveKey(), "203.0.113.40", sms(number), Map.of());

    assertEquals(3, sandboxOk, "the sandbox has the same limits, in windows of its own");
    assertEquals(200, live.status(), "the real user's send: " + live.raw());
  }

  // ---- every subject of a request -----------------------------------------------------------

  @Test
  void sends_to_fresh_phones_and_one_email_are_counted_against_the_email() {
    App app = app("{\"sends_per_subject\": {\"limit\": 3, \"window_seconds\": 3600}}");
    String email = "pumped-" + UUID.randomUUID() + "@example.com";
    int[] statuses = new int[5];
    for (int i = 0; i < 5; i++) {
      Http.Response r =
          send(
              app.liveKey(),
              "203.0.113." + (50 + i),
              Map.of(
                  "channels",
                  List.of("sms", "email"),
                  "recipients",
                  Map.of("sms", phone(), "email", email)),
              Map.of());
      statuses[i] = r.status();
      if (i >= 3) {
        assertRefused(r, 429, "sends_per_subject");
      }
    }
    assertEquals(
        List.of(200, 200, 200, 429, 429),
        List.of(statuses[0], statuses[1], statuses[2], statuses[3], statuses[4]));
    assertEquals(
        3, await().atMost(Duration.ofSeconds(30)).until(() -> sentTo(email).size(), n -> n >= 3));
  }

  @Test
  void plus_tags_and_gmail_dots_do_not_make_new_subjects_of_one_mailbox() {
    App app = app("{\"sends_per_subject\": {\"limit\": 2, \"window_seconds\": 3600}}");
    String local = "ada" + NUMBERS.incrementAndGet();
    assertEquals(
        200,
        send(app.liveKey(), "203.0.113.60", email(local + "+one@example.com"), Map.of()).status());
    assertEquals(
        200,
        send(app.liveKey(), "203.0.113.61", email(local.toUpperCase() + "@Example.com"), Map.of())
            .status());
    assertRefused(
        send(app.liveKey(), "203.0.113.62", email(local + "+three@example.com"), Map.of()),
        429,
        "sends_per_subject");

    String gmail = "grace.hopper" + NUMBERS.incrementAndGet();
    assertEquals(
        200, send(app.liveKey(), "203.0.113.63", email(gmail + "@gmail.com"), Map.of()).status());
    assertEquals(
        200,
        send(
                app.liveKey(),
                "203.0.113.64",
                email(gmail.replace(".", "") + "+x@googlemail.com"),
                Map.of())
            .status());
    assertRefused(
        send(
            app.liveKey(),
            "203.0.113.65",
            email("g.race.hopper" + gmail.substring(12) + "@gmail.com"),
            Map.of()),
        429,
        "sends_per_subject");
  }

  // ---- wrong codes: one source cannot lock a user out; many meet a ceiling -------------------

  @Test
  void wrong_codes_from_one_address_do_not_lock_the_user_with_the_right_code_out_from_another() {
    App app =
        app(
            "{\"max_check_attempts\": 2, \"failed_checks_per_subject\": {\"limit\": 4, \"window_seconds\": 3600}}");
    String victim = phone();
    String attacker = "198.51.100.66";
    for (int session = 0; session < 2; session++) {
      String cookie = startLogin(app, victim, attacker);
      for (int i = 0; i < 2; i++) {
        assertEquals(400, check(app, cookie, "000000", attacker).status());
      }
    }
    Http.Response attackerAgain = check(app, startLogin(app, victim, attacker), "000000", attacker);

    String userCookie = startLogin(app, victim, "198.51.100.77");
    Http.Response user = check(app, userCookie, newestCode(victim, 4), "198.51.100.77");

    assertEquals(403, attackerAgain.status(), attackerAgain.raw());
    assertEquals("auth_blocked", attackerAgain.json().get("code").asText());
    assertEquals("failed_checks_per_subject", attackerAgain.header("X-Otp-Rule"));
    assertEquals(
        200,
        user.status(),
        "the real user, from another address, with the right code: " + user.raw());
    assertNotNull(user.json().get("access_token"));
  }

  @Test
  void guessing_from_many_addresses_meets_the_subjects_ceiling() {
    App app =
        app(
            "{\"max_check_attempts\": 10, \"failed_checks_per_subject\": {\"limit\": 2, \"window_seconds\": 3600},"
                + " \"failed_checks_ceiling\": {\"limit\": 4, \"window_seconds\": 3600}}");
    String victim = phone();
    for (int source = 0; source < 2; source++) {
      String ip = "198.51.100." + (80 + source);
      String cookie = startLogin(app, victim, ip);
      assertEquals(400, check(app, cookie, "000000", ip).status());
      assertEquals(400, check(app, cookie, "000001", ip).status());
    }
    String cookie = startLogin(app, victim, "198.51.100.90");

    Http.Response fifth = check(app, cookie, newestCode(victim, 3), "198.51.100.90");

    assertEquals(
        403,
        fifth.status(),
        "even the right code, once the subject has 4 wrong codes in a row: " + fifth.raw());
    assertEquals("failed_checks_ceiling", fifth.header("X-Otp-Rule"));
    assertNotNull(fifth.header("Retry-After"));
  }

  // ---- per-IP: IPv6 prefixes and the end user behind a backend --------------------------------

  @Test
  void an_ipv6_client_rotating_through_its_64_is_counted_as_one_client() {
    App app = app("{\"sends_per_ip\": {\"limit\": 2, \"window_seconds\": 3600}}");
    assertEquals(200, send(app.liveKey(), "2001:db8:7:1::1", sms(phone()), Map.of()).status());
    assertEquals(
        200,
        send(app.liveKey(), "2001:db8:7:1:ffff:ffff:ffff:fffe", sms(phone()), Map.of()).status());

    Http.Response rotated = send(app.liveKey(), "2001:db8:7:1:abcd::1", sms(phone()), Map.of());
    Http.Response nextPrefix = send(app.liveKey(), "2001:db8:7:2::1", sms(phone()), Map.of());

    assertRefused(rotated, 429, "sends_per_ip");
    assertEquals(200, nextPrefix.status(), nextPrefix.raw());
  }

  @Test
  void the_server_api_counts_the_end_user_address_its_caller_names() {
    App app = app("{\"sends_per_ip\": {\"limit\": 2, \"window_seconds\": 3600}}");
    String backend = "192.0.2.200";
    Map<String, String> ada = Map.of("X-End-User-IP", "198.51.100.101");
    assertEquals(200, send(app.liveKey(), backend, sms(phone()), ada).status());
    assertEquals(200, send(app.liveKey(), backend, sms(phone()), ada).status());

    Http.Response adaThird = send(app.liveKey(), backend, sms(phone()), ada);
    Http.Response bob =
        send(app.liveKey(), backend, sms(phone()), Map.of("X-End-User-IP", "198.51.100.102"));
    Http.Response bad =
        send(app.liveKey(), backend, sms(phone()), Map.of("X-End-User-IP", "localhost"));

    assertRefused(adaThird, 429, "sends_per_ip");
    assertEquals(200, bob.status(), "another end user behind the same backend: " + bob.raw());
    assertEquals(400, bad.status(), bad.raw());
    assertEquals(400, bad.json().get("statusCode").asInt());
    assertTrue(bad.json().get("message").asText().contains("X-End-User-IP"), bad.raw());
  }

  // ---- a challenge token starts one verification --------------------------------------------

  @Test
  void a_challenge_token_starts_one_verification_only() {
    App app = app("{}");
    String email = "stepup-" + UUID.randomUUID() + "@example.com";
    Http.Response issued =
        http.exchange(
            "POST",
            "/v2/session/apps/" + app.id() + "/challenge-tokens",
            management(),
            "{\"identifier\": {\"type\": \"email_address\", \"value\": \""
                + email
                + "\"}, \"user_id\": \"u-1\", \"scope\": \"payout\"}");
    assertEquals(201, issued.status(), issued.raw());
    String body =
        "{\"challenge_token\": \"" + issued.json().get("challenge_token").asText() + "\"}";

    Http.Response first =
        http.exchange("POST", "/v1/session/otp", session(app, null, "198.51.100.110"), body);
    Http.Response second =
        http.exchange("POST", "/v1/session/otp", session(app, null, "198.51.100.111"), body);

    assertEquals(204, first.status(), first.raw());
    assertEquals(400, second.status(), second.raw());
    assertEquals("invalid_challenge_token", second.json().get("code").asText());
    assertEquals(
        1, await().atMost(Duration.ofSeconds(30)).until(() -> sentTo(email).size(), n -> n >= 1));
  }

  // ---- the admin resend (ZAP) ---------------------------------------------------------------

  @Test
  void an_admin_resend_with_an_email_and_a_phone_resumes_the_open_session_of_the_email() {
    App app = app("{\"resend_cooldown_seconds\": 0}");
    String email = "zap-" + UUID.randomUUID() + "@example.com";
    String number = phone();
    Map<String, String> h = session(app, null, "198.51.100.120");
    assertEquals(
        204,
        http.exchange(
                "POST",
                "/v1/session/login/otp",
                h,
                "{\"identifier\": {\"type\": \"email_address\", \"value\": \"" + email + "\"}}")
            .status());
    OutboxMessage first =
        await().atMost(Duration.ofSeconds(30)).until(() -> sentTo(email), l -> !l.isEmpty()).get(0);

    Http.Response resent =
        zap(app, "{\"email\": \"" + email + "\", \"phoneNumber\": \"" + number + "\"}");

    assertEquals(200, resent.status(), resent.raw());
    OutboxMessage second =
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> sentTo(email), l -> l.size() >= 2)
            .get(0);
    assertEquals(first.sessionId(), second.sessionId(), "a resend on the email's open session");
    assertNotEquals(first.deliveryId(), second.deliveryId());
    assertNothingSentTo(number, app);
  }

  @Test
  void an_admin_resend_that_resumes_a_two_channel_session_is_charged_both_messages() {
    App app = app("{\"resend_cooldown_seconds\": 0, \"quota\": 3}");
    String number = phone();
    String email = "quota-" + UUID.randomUUID() + "@example.com";
    assertEquals(
        200,
        send(
                app.liveKey(),
                "203.0.113.130",
                Map.of(
                    "channels",
                    List.of("sms", "email"),
                    "recipients",
                    Map.of("sms", number, "email", email)),
                Map.of())
            .status());

    Http.Response resumed = zap(app, "{\"phoneNumber\": \"" + number + "\"}");
    Http.Response oneMore = send(app.liveKey(), "203.0.113.131", sms(phone()), Map.of());

    assertEquals(
        402,
        resumed.status(),
        "the open session would send 2 messages; 1 is left: " + resumed.raw());
    assertEquals(200, oneMore.status(), "the refused resend spent nothing: " + oneMore.raw());
  }

  // ---- helpers ------------------------------------------------------------------------------

  private static App app(String settings) {
    return Apps.create(http, pipeline.managementKey, "abuse", settings);
  }

  private static String phone() {
    return "+3361" + String.format("%07d", 2_000_000 + NUMBERS.incrementAndGet());
  }

  private static Map<String, Object> sms(String to) {
    return Map.of("channels", List.of("sms"), "recipients", Map.of("sms", to));
  }

  private static Map<String, Object> email(String to) {
    return Map.of("channels", List.of("email"), "recipients", Map.of("email", to));
  }

  private static Http.Response send(
      String apiKey, String ip, Map<String, Object> body, Map<String, String> extra) {
    Map<String, String> h = new LinkedHashMap<>(extra);
    h.put("X-API-Key", apiKey);
    h.put("X-Forwarded-For", ip);
    try {
      return http.post(
          "/api/v1/otp/send", h, io.otpstream.common.json.Json.MAPPER.writeValueAsString(body));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Map<String, String> session(App app, String cookie, String ip) {
    Map<String, String> h = new LinkedHashMap<>();
    h.put("Host", app.host());
    h.put("Content-Type", "application/json");
    h.put("X-Forwarded-For", ip);
    if (cookie != null) {
      h.put("Cookie", cookie);
    }
    return h;
  }

  private static Map<String, String> management() {
    return Map.of(
        "Authorization", "Bearer " + pipeline.managementKey, "Content-Type", "application/json");
  }

  private static Http.Response zap(App app, String body) {
    Map<String, String> h = new LinkedHashMap<>(management());
    h.put("Host", app.host());
    return http.exchange("POST", "/v1/otp/resend", h, body);
  }

  /** Starts a login for {@code phone} from {@code ip}; the verification cookie. */
  private static String startLogin(App app, String phone, String ip) {
    Http.Response r =
        http.exchange(
            "POST",
            "/v1/session/login/otp",
            session(app, null, ip),
            "{\"identifier\": {\"type\": \"phone_number\", \"value\": \"" + phone + "\"}}");
    assertEquals(204, r.status(), r.raw());
    return r.header("Set-Cookie").split(";", 2)[0];
  }

  private static Http.Response check(App app, String cookie, String code, String ip) {
    return http.exchange(
        "POST",
        "/v1/session/login/otp/check",
        session(app, cookie, ip),
        "{\"code\": \"" + code + "\"}");
  }

  /** The code of the newest of at least {@code count} messages to {@code to}. */
  private static String newestCode(String to, int count) {
    OutboxMessage newest =
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> sentTo(to), l -> l.size() >= count)
            .get(0);
    Matcher m = CODE.matcher(newest.body());
    assertTrue(m.find(), newest.body());
    return m.group(1);
  }

  private static List<OutboxMessage> sentTo(String to) {
    return outbox.list().stream().filter(m -> m.to().equals(to)).toList();
  }

  /**
   * Nothing reached {@code to}: checked after a send of the same app to another number has been
   * delivered, so a message the refused request had wrongly queued would have had its chance.
   */
  private static void assertNothingSentTo(String to, App app) {
    String marker = phone();
    assertEquals(200, send(app.liveKey(), "192.0.2.254", sms(marker), Map.of()).status());
    await().atMost(Duration.ofSeconds(30)).until(() -> !sentTo(marker).isEmpty());
    assertEquals(List.of(), sentTo(to), "messages to " + to);
  }

  private static void assertRefused(Http.Response r, int status, String rule) {
    assertEquals(status, r.status(), r.raw());
    assertEquals(status, r.json().get("statusCode").asInt(), r.raw());
    assertEquals(rule, r.header("X-Otp-Rule"), r.raw());
  }

  private static com.google.i18n.phonenumbers.Phonenumber.PhoneNumber parse(String e164) {
    try {
      return PhoneNumberUtil.getInstance().parse(e164, "ZZ");
    } catch (com.google.i18n.phonenumbers.NumberParseException e) {
      throw new IllegalStateException(e);
    }
  }
}
