package io.otpstream.e2e.management;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.otpstream.common.outbox.Outbox;
import io.otpstream.e2e.support.Http;
import io.otpstream.e2e.support.TestPipeline;
import io.otpstream.schemas.apps.AppSettings;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The per-app quota over HTTP: Sendmator's 402 "Insufficient balance" once the messages are spent.
 */
class QuotaTest {

  @Test
  void an_app_whose_quota_is_spent_gets_402_insufficient_balance() throws Exception {
    Outbox outbox = TestPipeline.newOutbox();
    try (TestPipeline pipeline =
        TestPipeline.start(
            "quota",
            outbox,
            s ->
                AppSettings.newBuilder(s)
                    .setVersion(1)
                    .setResendCooldownSeconds(0)
                    .setQuota(3L)
                    .build())) {
      Http http = new Http(pipeline.baseUrl());
      Map<String, Object> both =
          Map.of(
              "channels",
              List.of("sms", "email"),
              "recipients",
              Map.of("sms", "+14155550177", "email", "quota@example.com"));
      Http.Response first = http.postJson("/api/v1/otp/send", pipeline.liveKey, both);
      assertEquals(200, first.status(), first.raw()); // 2 of 3 messages
      Http.Response second = http.postJson("/api/v1/otp/send", pipeline.liveKey, both);
      assertEquals(402, second.status(), second.raw()); // 2 more would make 4
      assertEquals(402, second.json().get("statusCode").asInt());
      assertEquals("Insufficient balance", second.json().get("message").asText());
      assertEquals("Payment Required", second.json().get("error").asText());
      assertEquals("quota", second.header("X-Otp-Rule"));
      Http.Response sms =
          http.postJson(
              "/api/v1/otp/send",
              pipeline.liveKey,
              Map.of("channels", List.of("sms"), "recipients", Map.of("sms", "+14155550178")));
      assertEquals(200, sms.status(), "one message still fits: " + sms.raw());
      Http.Response sandbox = http.postJson("/api/v1/otp/send", pipeline.testKey, both);
      assertEquals(
          200, sandbox.status(), "the sandbox sends nothing and spends no quota: " + sandbox.raw());
    }
  }
}
