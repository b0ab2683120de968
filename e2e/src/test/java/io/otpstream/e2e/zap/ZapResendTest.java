package io.otpstream.e2e.zap;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.otpstream.common.outbox.Outbox;
import io.otpstream.common.outbox.OutboxMessage;
import io.otpstream.e2e.support.Http;
import io.otpstream.e2e.support.TestPipeline;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The admin resend of seed 004 ({@code POST /v1/otp/resend}): by email, phone or username, on the
 * open session or a new one.
 */
class ZapResendTest {
  private static TestPipeline pipeline;
  private static Outbox outbox;
  private static Http http;

  @BeforeAll
  static void start() throws Exception {
    outbox = TestPipeline.newOutbox();
    pipeline = TestPipeline.start("zap", outbox); // no resend cooldown
    http = new Http(pipeline.baseUrl());
  }

  @AfterAll
  static void stop() {
    pipeline.close();
  }

  private static Map<String, String> headers() {
    Map<String, String> h = new LinkedHashMap<>();
    h.put("Host", pipeline.appId + ".localhost");
    h.put("Content-Type", "application/json");
    h.put("Authorization", "Bearer " + pipeline.managementKey);
    return h;
  }

  private static Http.Response resend(String body) {
    return http.exchange("POST", "/v1/otp/resend", headers(), body);
  }

  private static List<OutboxMessage> to(String destination, int atLeast) {
    return await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> outbox.list().stream().filter(m -> m.to().equals(destination)).toList(),
            l -> l.size() >= atLeast);
  }

  private static void assertOk(Http.Response r) {
    assertEquals(200, r.status(), r.raw());
    assertEquals("{\"success\":true,\"data\":\"OTP ReSent\"}", r.raw());
    assertTrue(r.header("Content-Type").startsWith("application/json"));
  }

  private static void assertBad(Http.Response r, int status) {
    assertEquals(status, r.status(), r.raw());
    assertFalse(r.json().get("success").asBoolean(), r.raw());
    assertFalse(r.json().get("message").asText().isBlank(), r.raw());
  }

  @Test
  void a_resend_by_email_starts_a_session_then_resends_on_it_with_a_new_code() {
    assertOk(resend("{\"email\": \"adminuser@zap.com\"}"));
    List<OutboxMessage> one = to("adminuser@zap.com", 1);
    assertOk(resend("{\"email\": \"adminuser@zap.com\"}"));
    List<OutboxMessage> two = to("adminuser@zap.com", 2);
    assertEquals(
        one.get(0).sessionId(),
        two.get(0).sessionId(),
        "the second resend reuses the open session");
    assertFalse(two.get(0).deliveryId().equals(two.get(1).deliveryId()), "a new code generation");
  }

  @Test
  void email_and_phone_together_reach_both_and_a_username_resolves_through_contacts() {
    assertOk(resend("{\"email\": \"both@zap.com\", \"phoneNumber\": \"+2348011111111\"}"));
    OutboxMessage sms = to("+2348011111111", 1).get(0);
    OutboxMessage email = to("both@zap.com", 1).get(0);
    assertEquals(sms.sessionId(), email.sessionId(), "one session, both channels");

    Map<String, String> auth =
        Map.of(
            "Authorization",
            "Bearer " + pipeline.managementKey,
            "Content-Type",
            "application/json");
    assertEquals(
        200,
        http.exchange(
                "PUT",
                "/v2/session/apps/" + pipeline.appId + "/contacts/onlydev",
                auth,
                "{\"phone_number\": \"+2348022222222\"}")
            .status());
    assertOk(resend("{\"username\": \"onlydev\"}"));
    to("+2348022222222", 1);
  }

  @Test
  void malformed_input_is_a_400_in_zaps_shape() {
    assertBad(
        resend("{\"email\": \"" + "a".repeat(309) + "@example.com\"}"), 400); // 321 characters
    assertBad(resend("{\"email\": \"not an email\"}"), 400);
    assertBad(resend("{\"phoneNumber\": \"2348011111111\"}"), 400);
    assertBad(resend("{\"phoneNumber\": \"+1234567890123456\"}"), 400); // 16 digits
    assertBad(resend("{\"username\": \"nobody\"}"), 400);
    assertBad(resend("{}"), 400);
    assertBad(resend("{\"email\": "), 400);
    assertBad(resend("{\"email\": 42}"), 400);
    assertBad(resend(""), 400);
    Map<String, String> textPlain = headers();
    textPlain.put("Content-Type", "text/plain");
    assertBad(
        http.exchange("POST", "/v1/otp/resend", textPlain, "{\"email\": \"a@zap.com\"}"), 400);
    Map<String, String> unknownApp = headers();
    unknownApp.put("Host", "nosuchapp.localhost");
    assertBad(
        http.exchange("POST", "/v1/otp/resend", unknownApp, "{\"email\": \"a@zap.com\"}"), 400);
    assertTrue(outbox.list().stream().noneMatch(m -> m.to().equals("a@zap.com")));
  }

  @Test
  void the_admin_resend_needs_the_management_key() {
    for (String authorization :
        new String[] {null, "Bearer mk_wrong", "Bearer " + pipeline.liveKey, "Basic abc"}) {
      Map<String, String> h = headers();
      if (authorization == null) {
        h.remove("Authorization");
      } else {
        h.put("Authorization", authorization);
      }
      assertBad(
          http.exchange("POST", "/v1/otp/resend", h, "{\"email\": \"adminuser@zap.com\"}"), 401);
    }
  }
}
