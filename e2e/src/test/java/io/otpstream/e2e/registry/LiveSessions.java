package io.otpstream.e2e.registry;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.otpstream.common.kafka.KafkaSettings;
import io.otpstream.common.outbox.Outbox;
import io.otpstream.common.outbox.OutboxMessage;
import io.otpstream.dispatcher.provider.OutboxProvider;
import io.otpstream.e2e.support.Http;
import io.otpstream.e2e.support.TestPipeline;
import io.otpstream.schemas.apps.AppSettings;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Live Sendmator sessions on a pipeline whose SMS and email go to an outbox: what the registry
 * tests drive, whichever framing the pipeline writes.
 */
final class LiveSessions {
  private static final Pattern CODE = Pattern.compile("(\\d{6})");

  private LiveSessions() {}

  /** One session sent and verified with the code it delivered (kept in the test only). */
  record Verified(String sessionId, String code) {}

  /** A pipeline on {@code cluster} with no resend cooldown, left out of the suite's replay. */
  static TestPipeline start(String name, KafkaSettings cluster, Outbox outbox) throws Exception {
    return TestPipeline.start(
            name,
            cluster,
            new OutboxProvider(outbox, "sms", Clock.systemUTC()),
            new OutboxProvider(outbox, "email", Clock.systemUTC()),
            s -> AppSettings.newBuilder(s).setVersion(1).setResendCooldownSeconds(0).build())
        .notReplayable(
            "records framed for a schema registry, which the replay at the end of the suite is"
                + " not given");
  }

  /** A live SMS send to {@code phone}, the delivered code checked: verified. */
  static Verified sendAndVerify(TestPipeline p, Outbox outbox, String key, String phone) {
    Http http = new Http(p.baseUrl());
    Map<String, String> h = Map.of("X-API-Key", key, "X-Forwarded-For", "10.4.0.1");
    Http.Response sent =
        http.post(
            "/api/v1/otp/send",
            h,
            "{\"channels\": [\"sms\"], \"recipients\": {\"sms\": \"" + phone + "\"}}");
    assertEquals(200, sent.status(), sent.raw());
    String session = sent.json().get("data").get("session_id").asText();
    String token = sent.json().get("data").get("session_token").asText();
    OutboxMessage message =
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () -> outbox.list().stream().filter(m -> m.sessionId().equals(session)).toList(),
                l -> !l.isEmpty())
            .get(0);
    Matcher m = CODE.matcher(message.body());
    assertTrue(m.find(), message.body());
    Http.Response verified =
        http.post(
            "/api/v1/otp/verify",
            h,
            "{\"session_token\": \"" + token + "\", \"otps\": {\"sms\": \"" + m.group(1) + "\"}}");
    assertEquals(200, verified.status(), verified.raw());
    assertTrue(verified.json().get("data").get("verified").asBoolean(), verified.raw());
    return new Verified(session, m.group(1));
  }
}
