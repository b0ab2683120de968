package io.otpstream.e2e.webhook;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.otpstream.common.outbox.Outbox;
import io.otpstream.common.outbox.OutboxMessage;
import io.otpstream.e2e.support.Http;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * OTP sessions by SMS through the Sendmator API, the code read where the user would: the outbox.
 */
final class SmsSessions {
  private static final Pattern CODE = Pattern.compile("\\b(\\d{6})\\b");

  /** A session: its token, its id, and the code the phone got. */
  record Session(String token, String id, String code) {}

  private final Http http;
  private final String liveKey;
  private final Outbox outbox;

  SmsSessions(Http http, String liveKey, Outbox outbox) {
    this.http = http;
    this.liveKey = liveKey;
    this.outbox = outbox;
  }

  Session send(String phone) {
    Http.Response sent =
        http.postJson(
            "/api/v1/otp/send",
            liveKey,
            Map.of("channels", List.of("sms"), "recipients", Map.of("sms", phone)));
    assertEquals(200, sent.status(), sent.raw());
    JsonNode data = sent.json().get("data");
    OutboxMessage m =
        await()
            .atMost(Duration.ofSeconds(20))
            .until(
                () -> outbox.list().stream().filter(x -> x.to().equals(phone)).findFirst(),
                Optional::isPresent)
            .get();
    Matcher code = CODE.matcher(m.body());
    assertTrue(code.find(), m.body());
    return new Session(
        data.get("session_token").asText(), data.get("session_id").asText(), code.group(1));
  }

  Http.Response check(Session s, String code) {
    return http.postJson(
        "/api/v1/otp/verify",
        liveKey,
        Map.of("session_token", s.token(), "otps", Map.of("sms", code)));
  }
}
