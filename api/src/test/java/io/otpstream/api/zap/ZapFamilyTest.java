package io.otpstream.api.zap;

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
 * Seed 004's {@code {success: false, message}}, outcome by outcome; 500 only for failures of ours.
 */
class ZapFamilyTest {
  private final ZapFamily family = new ZapFamily();

  private Answer answer(Outcome outcome, String rule, Integer retryAfter) {
    OtpDecision d =
        OtpDecision.newBuilder()
            .setRequestId("req_1")
            .setOutcome(outcome)
            .setDecidedAt(Instant.EPOCH)
            .setRule(rule)
            .setRetryAfterSeconds(retryAfter)
            .build();
    return family.answer(family.refusal(d, Step.START), ZapRoutes.PATH);
  }

  @Test
  void a_rate_limited_resend_is_429_with_retry_after_and_the_rule() throws Exception {
    Answer a = answer(Outcome.RATE_LIMITED, RuleNames.RESENDS_PER_SUBJECT, 120);
    assertEquals(429, a.status().getCode());
    assertEquals(
        "{\"success\":false,\"message\":\"Rate limit exceeded\"}",
        Json.MAPPER.writeValueAsString(a.body()));
    assertEquals(Map.of("Retry-After", "120", "X-Otp-Rule", "resends_per_subject"), a.headers());
  }

  @Test
  void an_exhausted_quota_is_402_insufficient_balance() {
    Answer a = answer(Outcome.QUOTA_EXHAUSTED, RuleNames.QUOTA, null);
    assertEquals(402, a.status().getCode());
    assertEquals("Insufficient balance", a.body().get("message"));
    assertEquals(Map.of("X-Otp-Rule", "quota"), a.headers());
  }

  @Test
  void a_refused_phone_number_is_400_naming_the_field() {
    assertEquals(
        "phoneNumber is a premium-rate number, which is refused",
        answer(Outcome.REFUSED, RuleNames.PREMIUM_RATE, null).body().get("message"));
    Answer country = answer(Outcome.REFUSED, RuleNames.ALLOWED_COUNTRIES, null);
    assertEquals(400, country.status().getCode());
    assertEquals(
        "phoneNumber is in a country this app does not allow", country.body().get("message"));
  }

  @Test
  void any_other_decision_is_the_seeds_500_without_details() throws Exception {
    for (Outcome o : new Outcome[] {Outcome.LOCKED, Outcome.NOT_FOUND, Outcome.UNKNOWN}) {
      Answer a = answer(o, null, null);
      assertEquals(500, a.status().getCode(), o.name());
      assertEquals(
          "{\"success\":false,\"message\":\"An error occured processing the request\"}",
          Json.MAPPER.writeValueAsString(a.body()));
      assertTrue(a.headers().isEmpty(), o.name());
    }
  }

  @Test
  void no_decision_in_time_is_500_with_retry_after_1() {
    Answer a = family.answer(family.timeout(), ZapRoutes.PATH);
    assertEquals(500, a.status().getCode());
    assertEquals(Map.of("Retry-After", "1"), a.headers());
    assertTrue(
        ((String) a.body().get("message"))
            .startsWith("An error occured processing the request: no decision in time"));
  }

  @Test
  void a_missing_management_key_is_401_in_the_seeds_shape() throws Exception {
    Answer a = family.answer(Refusal.unauthorized("Invalid management key"), ZapRoutes.PATH);
    assertEquals(401, a.status().getCode());
    assertEquals(
        "{\"success\":false,\"message\":\"Invalid management key\"}",
        Json.MAPPER.writeValueAsString(a.body()));
  }

  @Test
  void it_owns_the_admin_resend_path_only() {
    assertTrue(family.owns("/v1/otp/resend"));
    assertFalse(family.owns("/v1/otp/resend/x"));
    assertFalse(family.owns("/api/v1/otp/resend"));
  }
}
