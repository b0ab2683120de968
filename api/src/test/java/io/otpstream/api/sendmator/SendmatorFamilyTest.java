package io.otpstream.api.sendmator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
 * Seed 003's errors, outcome by outcome: status, the {@code {statusCode, message, error}} body and
 * the headers.
 */
class SendmatorFamilyTest {
  private static final String PATH = "/api/v1/otp/resend";
  private final SendmatorFamily family = new SendmatorFamily();

  private static OtpDecision decision(Outcome outcome, String rule, Integer retryAfter) {
    return OtpDecision.newBuilder()
        .setRequestId("req_1")
        .setOutcome(outcome)
        .setDecidedAt(Instant.EPOCH)
        .setRule(rule)
        .setRetryAfterSeconds(retryAfter)
        .build();
  }

  private Answer answer(Outcome outcome, Step step) {
    return family.answer(family.refusal(decision(outcome, null, null), step), PATH);
  }

  private static String body(Answer a) throws Exception {
    return Json.MAPPER.writeValueAsString(a.body());
  }

  @Test
  void a_rate_limited_decision_is_429_rate_limit_exceeded_with_retry_after_and_the_rule()
      throws Exception {
    Answer a =
        family.answer(
            family.refusal(
                decision(Outcome.RATE_LIMITED, RuleNames.RESEND_COOLDOWN, 27), Step.RESEND),
            PATH);
    assertEquals(429, a.status().getCode());
    assertEquals(
        "{\"statusCode\":429,\"message\":\"Rate limit exceeded\",\"error\":\"Too Many Requests\"}",
        body(a));
    assertEquals(Map.of("Retry-After", "27", "X-Otp-Rule", "resend_cooldown_seconds"), a.headers());
  }

  @Test
  void an_exhausted_quota_is_402_insufficient_balance_naming_the_rule_without_retry_after()
      throws Exception {
    Answer a =
        family.answer(
            family.refusal(decision(Outcome.QUOTA_EXHAUSTED, RuleNames.QUOTA, null), Step.START),
            PATH);
    assertEquals(
        "{\"statusCode\":402,\"message\":\"Insufficient balance\",\"error\":\"Payment Required\"}",
        body(a));
    assertEquals(Map.of("X-Otp-Rule", "quota"), a.headers());
  }

  @Test
  void a_verified_a_locked_and_an_unknown_session_get_the_seeds_400s_with_no_headers()
      throws Exception {
    assertEquals(
        "{\"statusCode\":400,\"message\":\"Session already verified\",\"error\":\"Bad Request\"}",
        body(answer(Outcome.ALREADY_VERIFIED, Step.RESEND)));
    assertEquals(
        "{\"statusCode\":400,\"message\":\"Session is locked due to too many failed attempts\",\"error\":\"Bad Request\"}",
        body(answer(Outcome.LOCKED, Step.RESEND)));
    assertEquals(
        "{\"statusCode\":400,\"message\":\"Session not found\",\"error\":\"Bad Request\"}",
        body(answer(Outcome.NOT_FOUND, Step.CHECK)));
    assertTrue(answer(Outcome.LOCKED, Step.CHECK).headers().isEmpty());
  }

  @Test
  void an_expired_session_reads_as_not_found_on_a_resend_and_as_expired_on_a_verify() {
    assertEquals("Session not found", answer(Outcome.EXPIRED, Step.RESEND).body().get("message"));
    assertEquals(
        "Session expired: start a new session with /api/v1/otp/send",
        answer(Outcome.EXPIRED, Step.CHECK).body().get("message"));
  }

  @Test
  void a_refused_destination_is_400_naming_premium_rate_or_the_country_list_in_the_rule_header() {
    Answer premium =
        family.answer(
            family.refusal(decision(Outcome.REFUSED, RuleNames.PREMIUM_RATE, null), Step.START),
            PATH);
    assertEquals(400, premium.status().getCode());
    assertEquals(
        "Recipient phone number is a premium-rate number, which is refused",
        premium.body().get("message"));
    assertEquals(Map.of("X-Otp-Rule", "premium_rate"), premium.headers());
    Answer country =
        family.answer(
            family.refusal(
                decision(Outcome.REFUSED, RuleNames.ALLOWED_COUNTRIES, null), Step.START),
            PATH);
    assertEquals(
        "Recipient phone number is in a country this app does not allow",
        country.body().get("message"));
    assertEquals(Map.of("X-Otp-Rule", "allowed_countries"), country.headers());
  }

  @Test
  void a_decision_no_request_expects_is_a_500_that_names_it() {
    Answer a = answer(Outcome.CHALLENGE_USED, Step.START);
    assertEquals(500, a.status().getCode());
    assertEquals("Unexpected decision CHALLENGE_USED", a.body().get("message"));
  }

  @Test
  void no_decision_in_time_is_503_with_retry_after_1_and_a_failure_of_ours_a_bare_500()
      throws Exception {
    Answer timeout = family.answer(family.timeout(), PATH);
    assertEquals(503, timeout.status().getCode());
    assertEquals(Map.of("Retry-After", "1"), timeout.headers());
    assertEquals("Service Unavailable", timeout.body().get("error"));
    assertEquals(
        "{\"statusCode\":500,\"message\":\"Internal server error\",\"error\":\"Server Error\"}",
        body(family.answer(family.internal(), PATH)));
  }

  @Test
  void a_bad_request_from_a_shared_check_takes_the_seeds_shape() throws Exception {
    assertEquals(
        "{\"statusCode\":400,\"message\":\"session_token is required\",\"error\":\"Bad Request\"}",
        body(family.answer(Refusal.badRequest("session_token is required"), PATH)));
    assertEquals(
        "{\"statusCode\":401,\"message\":\"Invalid API key\",\"error\":\"Unauthorized\"}",
        body(family.answer(Refusal.unauthorized("Invalid API key"), PATH)));
  }

  @Test
  void it_owns_the_server_api_prefix_and_nothing_else() {
    assertTrue(family.owns("/api/v1/otp"));
    assertTrue(family.owns("/api/v1/otp/send"));
    assertTrue(family.owns("/api/v1/otp/unknown/deeper"));
    assertFalse(family.owns("/api/v1/otpx"));
    assertFalse(family.owns("/v1/otp/resend"));
  }
}
