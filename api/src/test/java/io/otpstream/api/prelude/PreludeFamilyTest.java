package io.otpstream.api.prelude;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.javalin.http.HttpStatus;
import io.otpstream.api.errors.Answer;
import io.otpstream.api.errors.Refusal;
import io.otpstream.api.errors.Step;
import io.otpstream.common.json.Json;
import io.otpstream.schemas.decision.OtpDecision;
import io.otpstream.schemas.decision.Outcome;
import io.otpstream.schemas.rules.RuleNames;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Prelude's {@code {code, type, message}} (seeds 000, 001, 002): the session API's words for each
 * decision, and the code and type a status implies on the management API and unknown paths.
 */
class PreludeFamilyTest {
  private static final String LOGIN = "/v1/session/login/otp";
  private static final String STEP_UP = "/v1/session/otp";
  private static final String MANAGEMENT = "/v2/session/apps";
  private final PreludeFamily family = new PreludeFamily();

  private static OtpDecision decision(
      Outcome outcome, String rule, Integer retryAfter, Integer attemptsRemaining) {
    return OtpDecision.newBuilder()
        .setRequestId("req_1")
        .setOutcome(outcome)
        .setDecidedAt(Instant.EPOCH)
        .setRule(rule)
        .setRetryAfterSeconds(retryAfter)
        .setAttemptsRemaining(attemptsRemaining)
        .build();
  }

  private Answer answer(Outcome outcome, String path) {
    return family.answer(family.refusal(decision(outcome, null, null, null), Step.START), path);
  }

  private static void assertShape(String code, String type, Answer a) {
    assertEquals(code, a.body().get("code"), a.body().toString());
    assertEquals(type, a.body().get("type"), a.body().toString());
  }

  @Test
  void a_rate_limit_is_403_auth_blocked_with_retry_after_the_rule_and_the_wait_in_words()
      throws Exception {
    Answer a =
        family.answer(
            family.refusal(
                decision(Outcome.RATE_LIMITED, RuleNames.SENDS_PER_IP, 60, null), Step.RESEND),
            LOGIN);
    assertEquals(403, a.status().getCode());
    assertEquals(
        "{\"code\":\"auth_blocked\",\"type\":\"forbidden\",\"message\":\"Too many attempts (sends_per_ip): try again in 60 s\"}",
        Json.MAPPER.writeValueAsString(a.body()));
    assertEquals(Map.of("Retry-After", "60", "X-Otp-Rule", "sends_per_ip"), a.headers());
  }

  @Test
  void the_quota_and_a_lock_are_auth_blocked_too_without_retry_after() {
    Answer quota =
        family.answer(
            family.refusal(
                decision(Outcome.QUOTA_EXHAUSTED, RuleNames.QUOTA, null, null), Step.START),
            STEP_UP);
    assertShape("auth_blocked", "forbidden", quota);
    assertEquals(Map.of("X-Otp-Rule", "quota"), quota.headers());
    Answer locked = answer(Outcome.LOCKED, LOGIN + "/check");
    assertEquals(403, locked.status().getCode());
    assertShape("auth_blocked", "forbidden", locked);
    assertTrue(locked.headers().isEmpty());
  }

  @Test
  void a_verified_an_unknown_and_an_expired_verification_are_401_unauthorized() {
    for (Outcome o : new Outcome[] {Outcome.ALREADY_VERIFIED, Outcome.NOT_FOUND, Outcome.EXPIRED}) {
      Answer a = answer(o, STEP_UP + "/retry");
      assertEquals(401, a.status().getCode(), o.name());
      assertShape("unauthorized", "unauthorized", a);
    }
  }

  @Test
  void a_used_challenge_token_is_400_invalid_challenge_token() {
    Answer a = answer(Outcome.CHALLENGE_USED, STEP_UP);
    assertEquals(400, a.status().getCode());
    assertShape("invalid_challenge_token", "bad_request", a);
  }

  @Test
  void
      a_refused_identifier_is_invalid_identifier_on_the_login_and_bad_request_on_seed_001s_endpoint() {
    OtpDecision premium = decision(Outcome.REFUSED, RuleNames.PREMIUM_RATE, null, null);
    Answer login = family.answer(family.refusal(premium, Step.START), LOGIN);
    assertShape("invalid_identifier", "bad_request", login);
    assertEquals("Premium-rate phone numbers are refused", login.body().get("message"));
    assertTrue(login.headers().isEmpty(), "the session API names no rule on a refused identifier");
    Answer stepUp =
        family.answer(
            family.refusal(
                decision(Outcome.REFUSED, RuleNames.ALLOWED_COUNTRIES, null, null), Step.START),
            STEP_UP);
    assertShape("bad_request", "bad_request", stepUp);
    assertEquals("This app does not send codes to that country", stepUp.body().get("message"));
  }

  @Test
  void a_wrong_code_is_400_bad_check_code_counting_the_attempts_left() {
    assertEquals("Wrong code; 2 attempts left", check(2).body().get("message"));
    assertEquals("Wrong code; 1 attempt left", check(1).body().get("message"));
    assertEquals(
        "Wrong code; no attempts left: this verification is now locked",
        check(0).body().get("message"));
    assertEquals("Wrong code", check(null).body().get("message"));
    assertShape("bad_check_code", "bad_request", check(3));
  }

  private Answer check(Integer attemptsRemaining) {
    return family.answer(
        family.refusal(decision(Outcome.WRONG_CODE, null, null, attemptsRemaining), Step.CHECK),
        LOGIN + "/check");
  }

  @Test
  void a_decision_no_request_expects_is_500_internal_naming_it() {
    Answer a = answer(Outcome.UNKNOWN, LOGIN);
    assertEquals(500, a.status().getCode());
    assertShape("internal", "internal", a);
    assertEquals("Unexpected decision UNKNOWN", a.body().get("message"));
  }

  @Test
  void each_status_implies_its_code_and_type_on_the_management_api() {
    assertShape(
        "bad_request",
        "bad_request",
        family.answer(Refusal.badRequest("name is required"), MANAGEMENT));
    assertShape(
        "unauthorized",
        "unauthorized",
        family.answer(Refusal.unauthorized("Invalid management key"), MANAGEMENT));
    assertShape(
        "forbidden",
        "forbidden",
        family.answer(Refusal.of(HttpStatus.FORBIDDEN, "localhost only"), "/dev/outbox"));
    assertShape(
        "not_found", "not_found", family.answer(Refusal.notFound("No app 'x'"), MANAGEMENT + "/x"));
    assertShape(
        "method_not_allowed",
        "bad_request",
        family.answer(Refusal.of(HttpStatus.METHOD_NOT_ALLOWED, "no"), MANAGEMENT));
    assertShape(
        "conflict", "conflict", family.answer(Refusal.conflict("stale"), "/v2/apps/x/settings"));
    assertShape(
        "internal",
        "internal",
        family.answer(Refusal.of(HttpStatus.SERVICE_UNAVAILABLE, "down"), MANAGEMENT));
  }

  @Test
  void a_body_over_the_cap_is_413_payload_too_large_but_400_bad_request_on_the_session_api() {
    Refusal tooLarge =
        Refusal.of(HttpStatus.CONTENT_TOO_LARGE, "The request body is larger than 64 KiB");
    Answer management = family.answer(tooLarge, MANAGEMENT);
    assertEquals(413, management.status().getCode());
    assertShape("payload_too_large", "bad_request", management);
    Answer session = family.answer(tooLarge, LOGIN);
    assertEquals(400, session.status().getCode());
    assertShape("bad_request", "bad_request", session);
    assertEquals("The request body is larger than 64 KiB", session.body().get("message"));
  }

  @Test
  void
      no_decision_in_time_is_500_internal_with_retry_after_1_and_a_failure_of_ours_tells_no_details() {
    Answer timeout = family.answer(family.timeout(), STEP_UP);
    assertEquals(500, timeout.status().getCode());
    assertShape("internal", "internal", timeout);
    assertEquals(Map.of("Retry-After", "1"), timeout.headers());
    Answer internal = family.answer(family.internal(), MANAGEMENT);
    assertEquals("Internal error", internal.body().get("message"));
    assertTrue(internal.headers().isEmpty());
  }
}
