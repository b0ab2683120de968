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
import io.otpstream.e2e.support.Http;
import io.otpstream.e2e.support.SharedKafka;
import io.otpstream.e2e.support.TestPipeline;
import io.otpstream.e2e.support.TopicReader;
import io.otpstream.schemas.webhook.WebhookDelivery;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
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
  private static TestPipeline pipeline;
  private static Outbox outbox;
  private static Http http;
  private static WebhookReceiver receiver;
  private static Map<String, String> auth;
  private static SmsSessions sessions;

  @BeforeAll
  static void start() throws Exception {
    outbox = TestPipeline.newOutbox();
    pipeline = TestPipeline.startWithLocalWebhooks("webhooks", outbox);
    http = new Http(pipeline.baseUrl());
    receiver = new WebhookReceiver();
    sessions = new SmsSessions(http, pipeline.liveKey, outbox);
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

    SmsSessions.Session session = sessions.send("+33612990001");
    Http.Response ok = sessions.check(session, session.code());
    assertEquals(200, ok.status(), ok.raw());
    String sessionId = session.id();

    List<WebhookReceiver.Received> got =
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () -> receiver.received("/all"),
                l ->
                    ReceivedEvents.types(l, sessionId)
                        .containsAll(List.of("otp.session.sent", "otp.session.verified")));
    assertEquals(
        List.of("otp.session.sent", "otp.session.verified"),
        ReceivedEvents.types(got, sessionId).stream().sorted().toList(),
        "each event once");
    for (WebhookReceiver.Received r : got) {
      assertTrue(r.id().startsWith("msg_"), r.id());
      assertTrue(
          Math.abs(Instant.now().getEpochSecond() - Long.parseLong(r.timestamp())) < 300,
          r.timestamp());
      assertEquals(ReceivedEvents.signature(secret, r), r.signature());
      assertFalse(
          r.body().contains(session.code()), "a webhook never carries the code: " + r.body());
      assertFalse(r.body().contains("612990001"), "nor the phone number: " + r.body());
      JsonNode body = Json.MAPPER.readTree(r.body());
      assertEquals(pipeline.appId, body.get("data").get("app_id").asText());
      assertNotNull(Instant.parse(body.get("timestamp").asText()));
    }
    JsonNode sent =
        got.stream()
            .map(r -> ReceivedEvents.read(r.body()))
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
    assertEquals(ReceivedEvents.signature(flakySecret, retried.get(1)), retried.get(1).signature());

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

  @Test
  void a_post_that_keeps_failing_is_dead_lettered_after_the_last_attempt() throws Exception {
    receiver.failFirst("/down", 1000);
    JsonNode down = subscribe(http, receiver.url("/down"), List.of("locked"));
    SmsSessions.Session locked = sessions.send("+33612990002");
    String sessionId = locked.id();
    String wrong = locked.code().equals("000000") ? "111111" : "000000";
    for (int i = 0; i < 5; i++) { // the default: 5 wrong codes lock the session
      sessions.check(locked, wrong);
    }
    // the pipeline's tuning: 5 attempts, the first retry after 500 ms, doubling
    JsonNode log =
        await()
            .atMost(Duration.ofSeconds(40))
            .until(
                () ->
                    http.get(webhooks() + "/" + down.get("id").asText() + "/deliveries", auth)
                        .json()
                        .get("deliveries"),
                d -> d.size() >= 5);
    assertEquals(5, log.size(), log.toString());
    assertEquals("dead_lettered", log.get(0).get("outcome").asText(), log.toString());
    assertEquals(5, log.get(0).get("attempt").asInt());
    for (int i = 1; i < 5; i++) {
      assertEquals("retrying", log.get(i).get("outcome").asText(), log.toString());
      assertEquals(500, log.get(i).get("status_code").asInt());
    }
    List<WebhookReceiver.Received> posts = receiver.received("/down");
    assertEquals(5, posts.size());
    assertEquals(1, posts.stream().map(WebhookReceiver.Received::id).distinct().count());
    assertEquals(
        List.of("otp.session.locked"), ReceivedEvents.types(posts.subList(0, 1), sessionId));

    String dlq = pipeline.kafka.topics().webhookDeadLetter.name();
    List<WebhookDelivery> dead =
        TopicReader.readUntil(SharedKafka.bootstrapServers(), dlq, l -> !l.isEmpty()).stream()
            .map(
                r ->
                    pipeline
                        .kafka
                        .topics()
                        .webhookDeadLetter
                        .valueSerde()
                        .deserializer()
                        .deserialize(dlq, r.value()))
            .toList();
    assertTrue(
        dead.stream().anyMatch(d -> d.getWebhookId().equals(posts.get(0).id())), dead.toString());
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
