package io.otpstream.e2e.webhook;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.otpstream.api.ApiServer;
import io.otpstream.common.json.Json;
import io.otpstream.common.outbox.Outbox;
import io.otpstream.common.outbox.OutboxMessage;
import io.otpstream.e2e.support.Http;
import io.otpstream.e2e.support.TestPipeline;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Webhooks end to end: an app subscribes a real HTTP receiver through the management API; the
 * webhook dispatcher posts each subscribed session event once, signed per Standard Webhooks (the
 * signature checked here with the specification's algorithm, written out independently), without a
 * code; a receiver that answered 500 gets the same webhook-id again; the delivery log shows every
 * attempt. An api without dev mode's allowance refuses inner addresses with 400.
 */
class WebhooksTest {
  private static final Pattern CODE = Pattern.compile("\\b(\\d{6})\\b");
  private static TestPipeline pipeline;
  private static Outbox outbox;
  private static Http http;
  private static WebhookReceiver receiver;
  private static Map<String, String> auth;

  @BeforeAll
  static void start() throws Exception {
    outbox = TestPipeline.newOutbox();
    pipeline = TestPipeline.startWithLocalWebhooks("webhooks", outbox);
    http = new Http(pipeline.baseUrl());
    receiver = new WebhookReceiver();
    auth =
        Map.of(
            "Authorization",
            "Bearer " + pipeline.managementKey,
            "Content-Type",
            "application/json");
  }

  @AfterAll
  static void stop() {
    receiver.close();
    pipeline.close();
  }

  private static String webhooks() {
    return "/v2/apps/" + pipeline.appId + "/webhooks";
  }

  private static JsonNode subscribe(Http api, String url, List<String> types) throws Exception {
    Http.Response r =
        api.post(
            webhooks(),
            auth,
            Json.MAPPER.writeValueAsString(Map.of("url", url, "event_types", types)));
    assertEquals(201, r.status(), r.raw());
    return r.json();
  }

  /** Sends a code to a new phone, reads it from the outbox, checks it; the session id and code. */
  private static String[] verifiedSession(String phone) {
    Http.Response sent =
        http.postJson(
            "/api/v1/otp/send",
            pipeline.liveKey,
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
    Http.Response ok =
        http.postJson(
            "/api/v1/otp/verify",
            pipeline.liveKey,
            Map.of(
                "session_token",
                data.get("session_token").asText(),
                "otps",
                Map.of("sms", code.group(1))));
    assertEquals(200, ok.status(), ok.raw());
    return new String[] {data.get("session_id").asText(), code.group(1)};
  }

  /** The Standard Webhooks signature, computed here from the specification. */
  private static String expectedSignature(String secret, WebhookReceiver.Received r)
      throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(
        new SecretKeySpec(
            Base64.getDecoder().decode(secret.substring("whsec_".length())), "HmacSHA256"));
    String signed = r.id() + "." + r.timestamp() + "." + r.body();
    return "v1,"
        + Base64.getEncoder().encodeToString(mac.doFinal(signed.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void a_receiver_gets_each_subscribed_event_once_signed_and_retried_after_a_500()
      throws Exception {
    JsonNode all =
        subscribe(
            http,
            receiver.url("/all"),
            List.of("sent", "delivered", "failed", "verified", "locked", "expired"));
    String secret = all.get("secret").asText();
    assertTrue(secret.startsWith("whsec_"), secret);
    receiver.failFirst("/flaky", 1);
    JsonNode flaky = subscribe(http, receiver.url("/flaky"), List.of("verified"));

    String[] session = verifiedSession("+33612990001");
    String sessionId = session[0];

    List<WebhookReceiver.Received> got =
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () -> receiver.received("/all"),
                l ->
                    types(l, sessionId)
                        .containsAll(List.of("otp.session.sent", "otp.session.verified")));
    assertEquals(
        List.of("otp.session.sent", "otp.session.verified"),
        types(got, sessionId).stream().sorted().toList(),
        "each event once");
    for (WebhookReceiver.Received r : got) {
      assertTrue(r.id().startsWith("msg_"), r.id());
      assertTrue(
          Math.abs(Instant.now().getEpochSecond() - Long.parseLong(r.timestamp())) < 300,
          r.timestamp());
      assertEquals(expectedSignature(secret, r), r.signature());
      assertFalse(r.body().contains(session[1]), "a webhook never carries the code: " + r.body());
      assertFalse(r.body().contains("612990001"), "nor the phone number: " + r.body());
      JsonNode body = Json.MAPPER.readTree(r.body());
      assertEquals(pipeline.appId, body.get("data").get("app_id").asText());
      assertNotNull(Instant.parse(body.get("timestamp").asText()));
    }
    JsonNode sent =
        got.stream()
            .map(r -> read(r.body()))
            .filter(b -> b.get("type").asText().equals("otp.session.sent"))
            .findFirst()
            .orElseThrow();
    assertEquals("sms", sent.get("data").get("channel").asText());

    // the flaky receiver answered 500 once: the same webhook-id again, then a delivery
    List<WebhookReceiver.Received> retried =
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> receiver.received("/flaky"), l -> l.size() >= 2);
    assertEquals(retried.get(0).id(), retried.get(1).id(), "a retry keeps its webhook-id");
    assertEquals(retried.get(0).body(), retried.get(1).body());
    String flakySecret = flaky.get("secret").asText();
    assertEquals(expectedSignature(flakySecret, retried.get(1)), retried.get(1).signature());

    JsonNode log =
        await()
            .atMost(Duration.ofSeconds(20))
            .until(
                () ->
                    http.get(webhooks() + "/" + flaky.get("id").asText() + "/deliveries", auth)
                        .json()
                        .get("deliveries"),
                d -> d.size() >= 2);
    // newest first: the delivery, then the 500
    assertEquals("delivered", log.get(0).get("outcome").asText(), log.toString());
    assertEquals(200, log.get(0).get("status_code").asInt());
    assertEquals(2, log.get(0).get("attempt").asInt());
    assertEquals("retrying", log.get(1).get("outcome").asText());
    assertEquals(500, log.get(1).get("status_code").asInt());
    assertEquals(retried.get(0).id(), log.get(1).get("webhook_id").asText());
    assertTrue(log.get(1).get("latency_ms").asLong() >= 0);
  }

  private static JsonNode read(String body) {
    try {
      return Json.MAPPER.readTree(body);
    } catch (Exception e) {
      throw new AssertionError(body, e);
    }
  }

  private static List<String> types(List<WebhookReceiver.Received> l, String sessionId) {
    return l.stream()
        .map(r -> read(r.body()))
        .filter(b -> b.get("data").get("session_id").asText().equals(sessionId))
        .map(b -> b.get("type").asText())
        .toList();
  }

  @Test
  void subscriptions_are_listed_without_their_secret_and_deleted() throws Exception {
    JsonNode made = subscribe(http, receiver.url("/listed"), List.of("locked"));
    String id = made.get("id").asText();
    Http.Response one = http.get(webhooks() + "/" + id, auth);
    assertEquals(200, one.status(), one.raw());
    assertNull(one.json().get("secret"), "the secret is shown once, at creation");
    assertEquals(List.of("locked"), List.of(one.json().get("event_types").get(0).asText()));
    assertTrue(http.get(webhooks(), auth).raw().contains(id));
    assertFalse(http.get(webhooks(), auth).raw().contains("whsec_"));
    assertEquals(204, http.exchange("DELETE", webhooks() + "/" + id, auth, "").status());
    Http.Response gone = http.get(webhooks() + "/" + id, auth);
    assertEquals(404, gone.status(), gone.raw());
    assertEquals("not_found", gone.json().get("code").asText());
    Http.Response badType =
        http.post(
            webhooks(), auth, "{\"url\": \"https://example.com/h\", \"event_types\": [\"code\"]}");
    assertEquals(400, badType.status(), badType.raw());
    assertTrue(badType.json().get("message").asText().contains("event_types"), badType.raw());
  }

  @Test
  void inner_addresses_are_refused_with_400_outside_dev_mode() throws Exception {
    try (ApiServer api =
        new ApiServer(
                new ApiServer.Config(
                    pipeline.kafka, "127.0.0.1", 0, 1, Duration.ofSeconds(5), false, List.of()),
                pipeline.secrets,
                () -> true)
            .start()) {
      Http strict = new Http("http://localhost:" + api.port());
      for (String url :
          List.of(
              "https://127.0.0.1/hook",
              "https://10.0.0.8/hook",
              "https://169.254.169.254/latest/meta-data/",
              "https://[::1]/hook",
              "https://localhost:8443/hook",
              "http://example.com/hook")) {
        Http.Response r =
            strict.post(
                webhooks(),
                auth,
                Json.MAPPER.writeValueAsString(
                    Map.of("url", url, "event_types", List.of("verified"))));
        assertEquals(400, r.status(), url + " -> " + r.raw());
        assertEquals("bad_request", r.json().get("code").asText(), r.raw());
        assertTrue(r.json().get("message").asText().startsWith("url "), r.raw());
        assertNotNull(r.json().get("type"), r.raw());
      }
    }
  }
}
