package io.otpstream.e2e.sendmator;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.otpstream.common.outbox.Outbox;
import io.otpstream.common.outbox.OutboxMessage;
import io.otpstream.dispatcher.email.SmtpProvider;
import io.otpstream.dispatcher.email.SmtpSettings;
import io.otpstream.dispatcher.provider.OutboxProvider;
import io.otpstream.e2e.support.Http;
import io.otpstream.e2e.support.SharedKafka;
import io.otpstream.e2e.support.TestPipeline;
import io.otpstream.e2e.support.TopicReader;
import io.otpstream.schemas.audit.AuditEvent;
import io.otpstream.schemas.audit.AuditType;
import io.otpstream.schemas.common.Channel;
import io.otpstream.schemas.delivery.DeliveryRequested;
import io.otpstream.schemas.delivery.DeliveryState;
import io.otpstream.schemas.delivery.DeliveryStatus;
import io.otpstream.schemas.serde.AvroSerde;
import jakarta.mail.BodyPart;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Sendmator family end to end on real Kafka: HTTP api, Streams processor, SMS dispatcher into
 * the outbox and email dispatcher through a real SMTP server (GreenMail).
 */
class SendmatorFlowTest {
  private static final Pattern CODE = Pattern.compile("\\b(\\d{6})\\b");
  private static GreenMail smtp;
  private static Outbox outbox;
  private static TestPipeline pipeline;
  private static Http http;

  @BeforeAll
  static void start() throws Exception {
    smtp = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
    smtp.start();
    outbox = TestPipeline.newOutbox();
    SmtpSettings settings =
        new SmtpSettings("localhost", smtp.getSmtp().getPort(), false, null, null, "otp@acme.test");
    pipeline =
        TestPipeline.start(
            "sendmator",
            new OutboxProvider(outbox, "sms", Clock.systemUTC()),
            new SmtpProvider(settings));
    http = new Http(pipeline.baseUrl());
  }

  @AfterAll
  static void stop() {
    if (pipeline != null) {
      pipeline.close();
    }
    if (smtp != null) {
      smtp.stop();
    }
  }

  private static final java.util.concurrent.atomic.AtomicInteger PHONES =
      new java.util.concurrent.atomic.AtomicInteger(1000);

  /**
   * A phone number no other test of this run uses (+1 415 555 xxxx is valid for libphonenumber).
   */
  private static String uniquePhone() {
    return "+1415555" + PHONES.incrementAndGet();
  }

  private static String uniqueEmail() {
    return "user-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
  }

  private static Http.Response send(String key, String phone, String email) {
    return http.postJson(
        "/api/v1/otp/send",
        key,
        Map.of(
            "channels",
            List.of("sms", "email"),
            "recipients",
            Map.of("sms", phone, "email", email)));
  }

  private static Http.Response verify(String key, String token, String code) {
    return http.postJson(
        "/api/v1/otp/verify", key, Map.of("session_token", token, "otps", Map.of("sms", code)));
  }

  private static Http.Response resend(String key, String token) {
    return http.postJson("/api/v1/otp/resend", key, Map.of("session_token", token));
  }

  /**
   * Waits until the outbox holds {@code count} SMS messages to {@code phone}; returns their codes,
   * oldest first.
   */
  private static List<String> smsCodes(String phone, int count) {
    List<String> newestFirst =
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () ->
                    outbox.list().stream()
                        .filter(m -> m.to().equals(phone))
                        .map(OutboxMessage::body)
                        .map(SendmatorFlowTest::code)
                        .toList(),
                l -> l.size() >= count);
    List<String> oldestFirst = new java.util.ArrayList<>(newestFirst);
    java.util.Collections.reverse(oldestFirst);
    return oldestFirst;
  }

  private static List<String> emailCodes(String email, int count) throws Exception {
    await().atMost(Duration.ofSeconds(30)).until(() -> received(email).size() >= count);
    return received(email).stream()
        .map(SendmatorFlowTest::text)
        .map(SendmatorFlowTest::code)
        .toList();
  }

  private static List<MimeMessage> received(String email) {
    return Arrays.stream(smtp.getReceivedMessages())
        .filter(
            m -> {
              try {
                return m.getRecipients(Message.RecipientType.TO)[0].toString().equals(email);
              } catch (Exception e) {
                return false;
              }
            })
        .toList();
  }

  private static String text(MimeMessage m) {
    try {
      MimeMultipart alternative = (MimeMultipart) m.getContent();
      BodyPart plain = alternative.getBodyPart(0);
      return (String) plain.getContent();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String code(String body) {
    Matcher matcher = CODE.matcher(body);
    assertTrue(matcher.find(), "no code in: " + body);
    return matcher.group(1);
  }

  @Test
  void a_live_send_delivers_the_same_code_by_sms_and_by_smtp_and_it_verifies() throws Exception {
    String phone = uniquePhone();
    String email = uniqueEmail();
    Http.Response sent = send(pipeline.liveKey, phone, email);
    assertEquals(200, sent.status(), sent.raw());
    JsonNode data = sent.json().get("data");
    assertTrue(sent.json().get("success").asBoolean());
    assertTrue(data.get("session_token").asText().startsWith("eyJ"));
    assertTrue(data.get("session_id").asText().startsWith("ses_"));
    assertEquals(
        List.of("sms", "email"),
        List.of(data.get("channels").get(0).asText(), data.get("channels").get(1).asText()));
    assertNull(data.get("otps"), "a live send must not return the code");
    Instant expires = Instant.parse(data.get("expires_at").asText());
    assertTrue(
        Duration.between(Instant.now(), expires).toSeconds() > 500,
        "expiry about 10 minutes ahead: " + expires);

    String smsCode = smsCodes(phone, 1).get(0);
    String emailCode = emailCodes(email, 1).get(0);
    assertEquals(smsCode, emailCode, "one code per session, the same on every channel");
    MimeMessage mail = received(email).get(0);
    assertTrue(mail.getContentType().startsWith("multipart/alternative"), mail.getContentType());
    assertTrue(
        ((MimeMultipart) mail.getContent())
            .getBodyPart(1)
            .getContentType()
            .startsWith("text/html"));

    Http.Response ok = verify(pipeline.liveKey, data.get("session_token").asText(), smsCode);
    assertEquals(200, ok.status(), ok.raw());
    assertTrue(ok.json().get("data").get("verified").asBoolean());
    assertTrue(
        ok.json().get("data").get("verification_results").get("sms").get("success").asBoolean());

    Http.Response after = resend(pipeline.liveKey, data.get("session_token").asText());
    assertEquals(400, after.status(), after.raw());
    assertEquals("Session already verified", after.json().get("message").asText());
    assertEquals("Bad Request", after.json().get("error").asText());
  }

  @Test
  void a_wrong_code_counts_down_attempts_and_both_codes_can_be_submitted() {
    String phone = uniquePhone();
    String email = uniqueEmail();
    String token =
        send(pipeline.liveKey, phone, email).json().get("data").get("session_token").asText();
    String right = smsCodes(phone, 1).get(0);
    String wrong = right.equals("000000") ? "111111" : "000000";
    Http.Response bad = verify(pipeline.liveKey, token, wrong);
    assertEquals(200, bad.status(), bad.raw());
    assertFalse(bad.json().get("data").get("verified").asBoolean());
    assertEquals(4, bad.json().get("data").get("attempts_remaining").asInt());
    Http.Response both =
        http.postJson(
            "/api/v1/otp/verify",
            pipeline.liveKey,
            Map.of("session_token", token, "otps", Map.of("sms", right, "email", right)));
    assertTrue(both.json().get("data").get("verified").asBoolean(), both.raw());
    assertTrue(
        both.json()
            .get("data")
            .get("verification_results")
            .get("email")
            .get("success")
            .asBoolean());
  }

  @Test
  void a_resend_makes_a_new_code_the_old_one_fails_and_the_fourth_resend_gets_429()
      throws Exception {
    String phone = uniquePhone();
    String email = uniqueEmail();
    JsonNode data = send(pipeline.liveKey, phone, email).json().get("data");
    String token = data.get("session_token").asText();
    String first = smsCodes(phone, 1).get(0);

    Http.Response resent = resend(pipeline.liveKey, token);
    assertEquals(200, resent.status(), resent.raw());
    assertTrue(resent.json().get("success").asBoolean());
    assertEquals("OTP resent successfully", resent.json().get("message").asText());
    assertNull(resent.json().get("sandbox_otps"));
    assertFalse(
        Instant.parse(resent.json().get("expires_at").asText())
            .isBefore(Instant.parse(data.get("expires_at").asText())));

    String second = smsCodes(phone, 2).get(1);
    assertEquals(second, emailCodes(email, 2).get(1), "the resend goes to all original channels");
    assertNotEquals(first, second, "a resend makes a new code");

    Http.Response old = verify(pipeline.liveKey, token, first);
    assertFalse(
        old.json().get("data").get("verified").asBoolean(),
        "the old code stops working at once: " + old.raw());

    assertEquals(200, resend(pipeline.liveKey, token).status());
    assertEquals(200, resend(pipeline.liveKey, token).status());
    Http.Response fourth = resend(pipeline.liveKey, token);
    assertEquals(429, fourth.status(), fourth.raw());
    assertEquals(429, fourth.json().get("statusCode").asInt());
    assertEquals("Rate limit exceeded", fourth.json().get("message").asText());
    assertEquals("Too Many Requests", fourth.json().get("error").asText());
    assertNotNull(fourth.header("Retry-After"));
    assertTrue(Integer.parseInt(fourth.header("Retry-After")) > 0);

    String last = smsCodes(phone, 4).get(3);
    assertTrue(
        verify(pipeline.liveKey, token, last).json().get("data").get("verified").asBoolean());
  }

  @Test
  void a_sandbox_key_returns_the_codes_and_delivers_nothing() {
    String phone = uniquePhone();
    String email = uniqueEmail();
    Http.Response sent = send(pipeline.testKey, phone, email);
    assertEquals(200, sent.status(), sent.raw());
    JsonNode otps = sent.json().get("data").get("otps");
    assertNotNull(otps, sent.raw());
    String code = otps.get("sms").asText();
    assertEquals(code, otps.get("email").asText());
    String token = sent.json().get("data").get("session_token").asText();

    Http.Response resent = resend(pipeline.testKey, token);
    assertEquals(200, resent.status(), resent.raw());
    String newCode = resent.json().get("sandbox_otps").get("sms").asText();
    assertEquals(newCode, resent.json().get("sandbox_otps").get("email").asText());
    assertTrue(
        verify(pipeline.testKey, token, newCode).json().get("data").get("verified").asBoolean());

    // A live send to the same subject travels the same partitions after the sandbox ones:
    // once it has arrived, anything the sandbox sends had produced would have arrived before it.
    send(pipeline.liveKey, phone, email);
    assertEquals(1, smsCodes(phone, 1).size(), "only the live message reached the phone");
    await().atMost(Duration.ofSeconds(30)).until(() -> received(email).size() >= 1);
    assertEquals(1, received(email).size(), "only the live message reached the inbox");
  }

  @Test
  void a_sandbox_key_cannot_resend_or_check_a_live_session() {
    String phone = uniquePhone();
    Http.Response sent = send(pipeline.liveKey, phone, uniqueEmail());
    String token = sent.json().get("data").get("session_token").asText();
    String code = smsCodes(phone, 1).get(0);
    Http.Response resent = resend(pipeline.testKey, token);
    assertEquals(400, resent.status(), resent.raw());
    assertEquals("Session not found", resent.json().get("message").asText());
    Http.Response checked = verify(pipeline.testKey, token, code);
    assertEquals(400, checked.status(), checked.raw());
    assertTrue(
        verify(pipeline.liveKey, token, code).json().get("data").get("verified").asBoolean(),
        "the live session is untouched and verifies with its live key");
    assertEquals(
        1,
        outbox.list().stream().filter(m -> m.to().equals(phone)).count(),
        "the sandbox key sent nothing");
  }

  @Test
  void a_bad_or_missing_key_gets_401_in_sendmator_format() {
    for (String key : new String[] {"sk_live_nope", null}) {
      Http.Response r = send(key, uniquePhone(), uniqueEmail());
      assertEquals(401, r.status(), r.raw());
      assertEquals(401, r.json().get("statusCode").asInt());
      assertEquals("Invalid API key", r.json().get("message").asText());
      assertEquals("Unauthorized", r.json().get("error").asText());
    }
    assertEquals(401, resend("sk_test_nope", "x").status());
  }

  @Test
  void malformed_requests_get_400_with_an_actionable_message() {
    Http.Response badPhone =
        http.postJson(
            "/api/v1/otp/send",
            pipeline.liveKey,
            Map.of("channels", List.of("sms"), "recipients", Map.of("sms", "0612345678")));
    assertEquals(400, badPhone.status());
    assertTrue(badPhone.json().get("message").asText().contains("E.164"), badPhone.raw());
    assertEquals("Bad Request", badPhone.json().get("error").asText());

    Http.Response badChannel =
        http.postJson(
            "/api/v1/otp/send",
            pipeline.liveKey,
            Map.of("channels", List.of("pigeon"), "recipients", Map.of("email", uniqueEmail())));
    assertEquals(400, badChannel.status(), badChannel.raw());

    Http.Response badJson =
        http.post("/api/v1/otp/send", Map.of("X-API-Key", pipeline.liveKey), "{not json");
    assertEquals(400, badJson.status(), badJson.raw());
    assertEquals(400, badJson.json().get("statusCode").asInt());

    Http.Response wrongType =
        http.post(
            "/api/v1/otp/send", Map.of("X-API-Key", pipeline.liveKey), "{\"channels\": \"sms\"}");
    assertEquals(400, wrongType.status(), wrongType.raw());
  }

  @Test
  void an_unknown_or_forged_token_gets_session_not_found() {
    Http.Response forged =
        resend(pipeline.liveKey, "eyJhbGciOiJIUzI1NiJ9.eyJzaWQiOiJ4In0.c2lnbmF0dXJl");
    assertEquals(400, forged.status(), forged.raw());
    assertEquals("Session not found", forged.json().get("message").asText());
  }

  @Test
  void five_wrong_codes_lock_the_session_and_a_resend_then_gets_the_seed_400() {
    String phone = uniquePhone();
    String token =
        send(pipeline.liveKey, phone, uniqueEmail())
            .json()
            .get("data")
            .get("session_token")
            .asText();
    String right = smsCodes(phone, 1).get(0);
    String wrong = right.equals("000000") ? "111111" : "000000";
    for (int i = 4; i >= 0; i--) {
      Http.Response r = verify(pipeline.liveKey, token, wrong);
      assertEquals(i, r.json().get("data").get("attempts_remaining").asInt(), r.raw());
    }
    Http.Response locked = verify(pipeline.liveKey, token, right);
    assertEquals(400, locked.status(), locked.raw());
    assertEquals(
        "Session is locked due to too many failed attempts", locked.json().get("message").asText());
    Http.Response resend = resend(pipeline.liveKey, token);
    assertEquals(400, resend.status());
    assertEquals(
        "Session is locked due to too many failed attempts", resend.json().get("message").asText());
  }

  @Test
  void every_delivery_outcome_is_reported_as_a_delivery_status_event() {
    String phone = uniquePhone();
    String sessionId =
        send(pipeline.liveKey, phone, uniqueEmail()).json().get("data").get("session_id").asText();
    AvroSerde<DeliveryStatus> serde = AvroSerde.of(DeliveryStatus.class);
    List<DeliveryStatus> statuses =
        TopicReader.readUntil(
                SharedKafka.bootstrapServers(),
                pipeline.kafka.topics().deliveryStatus.name(),
                all ->
                    all.stream()
                            .map(r -> serde.decode(r.value()))
                            .filter(st -> st.getSessionId().equals(sessionId))
                            .count()
                        >= 2)
            .stream()
            .map(r -> serde.decode(r.value()))
            .filter(st -> st.getSessionId().equals(sessionId))
            .toList();
    assertEquals(2, statuses.size(), statuses.toString());
    assertTrue(
        statuses.stream().allMatch(st -> st.getState() == DeliveryState.SENT), statuses.toString());
    assertEquals(
        java.util.Set.of("outbox", "smtp"),
        statuses.stream()
            .map(DeliveryStatus::getProvider)
            .collect(java.util.stream.Collectors.toSet()));
    assertEquals(
        java.util.Set.of(sessionId + ":0:sms", sessionId + ":0:email"),
        statuses.stream()
            .map(DeliveryStatus::getDeliveryId)
            .collect(java.util.stream.Collectors.toSet()));
  }

  @Test
  void a_delivery_whose_code_has_expired_is_not_sent_and_is_recorded_as_expired() {
    String phone = uniquePhone();
    String deliveryId = "ses_expired" + PHONES.get() + ":0:sms";
    DeliveryRequested late =
        DeliveryRequested.newBuilder()
            .setDeliveryId(deliveryId)
            .setSessionId("ses_expired" + PHONES.get())
            .setSubjectId("sub_test")
            .setAppId(pipeline.appId)
            .setChannel(Channel.SMS)
            .setDestination(phone)
            .setGeneration(0)
            .setOtpLength(6)
            .setRequestedAt(Instant.now().minusSeconds(700))
            .setExpiresAt(Instant.now().minusSeconds(100))
            .build();
    java.util.Properties p = pipeline.kafka.clientProperties();
    try (KafkaProducer<String, DeliveryRequested> producer =
        new KafkaProducer<>(
            p,
            new StringSerializer(),
            pipeline.kafka.topics().deliverySms.valueSerde().serializer())) {
      producer.send(
          new ProducerRecord<>(pipeline.kafka.topics().deliverySms.name(), "sub_test", late));
    }
    AvroSerde<DeliveryStatus> serde = AvroSerde.of(DeliveryStatus.class);
    DeliveryStatus status =
        TopicReader.readUntil(
                SharedKafka.bootstrapServers(),
                pipeline.kafka.topics().deliveryStatus.name(),
                all ->
                    all.stream()
                        .anyMatch(r -> serde.decode(r.value()).getDeliveryId().equals(deliveryId)))
            .stream()
            .map(r -> serde.decode(r.value()))
            .filter(st -> st.getDeliveryId().equals(deliveryId))
            .findFirst()
            .orElseThrow();
    assertEquals(DeliveryState.EXPIRED, status.getState());
    assertTrue(
        outbox.list().stream().noneMatch(m -> m.to().equals(phone)),
        "an expired code must not be sent");
  }

  @Test
  void a_repeat_with_the_same_idempotency_key_gets_the_first_decision_and_changes_nothing() {
    String phone = uniquePhone();
    String body = "{\"channels\":[\"sms\"],\"recipients\":{\"sms\":\"" + phone + "\"}}";
    Map<String, String> headers =
        Map.of("X-API-Key", pipeline.liveKey, "Idempotency-Key", "order-" + phone);
    Http.Response first = http.post("/api/v1/otp/send", headers, body);
    Http.Response again = http.post("/api/v1/otp/send", headers, body);
    assertEquals(200, first.status(), first.raw());
    assertEquals(200, again.status(), again.raw());
    String sessionId = first.json().get("data").get("session_id").asText();
    assertEquals(sessionId, again.json().get("data").get("session_id").asText());
    assertEquals(
        first.json().get("data").get("expires_at"), again.json().get("data").get("expires_at"));
    String token = first.json().get("data").get("session_token").asText();

    Map<String, String> resendHeaders =
        Map.of("X-API-Key", pipeline.liveKey, "Idempotency-Key", "resend-" + phone);
    String resendBody = "{\"session_token\":\"" + token + "\"}";
    Http.Response resent = http.post("/api/v1/otp/resend", resendHeaders, resendBody);
    Http.Response resentAgain = http.post("/api/v1/otp/resend", resendHeaders, resendBody);
    assertEquals(200, resent.status(), resent.raw());
    assertEquals(resent.raw(), resentAgain.raw(), "the same answer");

    AvroSerde<AuditEvent> serde = AvroSerde.of(AuditEvent.class);
    List<AuditEvent> events =
        TopicReader.readUntil(
                SharedKafka.bootstrapServers(),
                pipeline.kafka.topics().events.name(),
                all ->
                    all.stream()
                            .map(r -> serde.decode(r.value()))
                            .filter(
                                e ->
                                    sessionId.equals(e.getSessionId())
                                        && e.getType() == AuditType.IDEMPOTENT_REPEAT)
                            .count()
                        == 2)
            .stream()
            .map(r -> serde.decode(r.value()))
            .filter(e -> sessionId.equals(e.getSessionId()))
            .toList();
    assertEquals(
        1,
        events.stream().filter(e -> e.getType() == AuditType.SESSION_STARTED).count(),
        "one session");
    assertEquals(
        1, events.stream().filter(e -> e.getType() == AuditType.RESENT).count(), "one resend");
    assertEquals(
        2,
        smsCodes(phone, 2).size(),
        "two messages: the send and the resend, nothing for the repeats");
    // the next, different resend shows the repeats were not counted against the session's resends
    Http.Response third = resend(pipeline.liveKey, token);
    assertEquals(200, third.status(), third.raw());
    assertEquals(3, smsCodes(phone, 3).size());
    assertEquals(3, outbox.list().stream().filter(m -> m.to().equals(phone)).count());

    // identical requests in flight at once all get the one decision
    String phone2 = uniquePhone();
    String body2 = "{\"channels\":[\"sms\"],\"recipients\":{\"sms\":\"" + phone2 + "\"}}";
    Map<String, String> headers2 =
        Map.of("X-API-Key", pipeline.liveKey, "Idempotency-Key", "burst-" + phone2);
    List<java.util.concurrent.CompletableFuture<Http.Response>> burst = new java.util.ArrayList<>();
    for (int i = 0; i < 4; i++) {
      burst.add(
          java.util.concurrent.CompletableFuture.supplyAsync(
              () -> http.post("/api/v1/otp/send", headers2, body2)));
    }
    java.util.Set<String> sessions = new java.util.HashSet<>();
    for (var f : burst) {
      Http.Response r = f.join();
      assertEquals(200, r.status(), r.raw());
      sessions.add(r.json().get("data").get("session_id").asText());
    }
    assertEquals(1, sessions.size(), "one session for four identical requests");
    assertEquals(1, smsCodes(phone2, 1).size());

    Http.Response bad =
        http.post(
            "/api/v1/otp/send",
            Map.of("X-API-Key", pipeline.liveKey, "Idempotency-Key", "x".repeat(256)),
            body);
    assertEquals(400, bad.status(), bad.raw());
  }
}
