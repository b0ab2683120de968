package io.otpstream.e2e.delivery;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.otpstream.common.destination.SealedDestinations;
import io.otpstream.common.json.Json;
import io.otpstream.common.outbox.Outbox;
import io.otpstream.dispatcher.provider.FallbackProvider;
import io.otpstream.dispatcher.provider.OutboxProvider;
import io.otpstream.dispatcher.sms.SmsDispatcher;
import io.otpstream.dispatcher.sms.http.HttpSmsProvider;
import io.otpstream.dispatcher.sms.http.HttpSmsSettings;
import io.otpstream.dispatcher.sms.smpp.FakeSmsc;
import io.otpstream.dispatcher.sms.smpp.SmppProvider;
import io.otpstream.e2e.support.ConsumerGroups;
import io.otpstream.e2e.support.Http;
import io.otpstream.e2e.support.SharedKafka;
import io.otpstream.e2e.support.TestPipeline;
import io.otpstream.e2e.support.TopicReader;
import io.otpstream.schemas.common.Channel;
import io.otpstream.schemas.delivery.DeliveryRequested;
import io.otpstream.schemas.delivery.DeliveryState;
import io.otpstream.schemas.delivery.DeliveryStatus;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * SMS through real providers, end to end on the pipeline: a local HTTP SMS API as the primary and a
 * jSMPP SMSC as the fallback. A code sent over HTTP verifies; a primary that refuses makes the SMSC
 * deliver, its delivery receipt comes back and the session records it; a provider down past the
 * code's expiry never sends it late, not even once they are back. That last test runs last: its
 * failures open the fallback provider's circuit, which then sends everything to the SMSC for 30 s.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SmsDeliveryTest {
  private static final Pattern CODE = Pattern.compile("(\\d{6})");

  /** Destinations (without '+') the primary refuses (400: permanent) or cannot take (503: down). */
  private static final Set<String> REFUSED = ConcurrentHashMap.newKeySet();

  private static final Set<String> DOWN = ConcurrentHashMap.newKeySet();
  private static final List<Received> HTTP_RECEIVED = new CopyOnWriteArrayList<>();

  record Received(String to, String text, Instant at) {}

  private static HttpServer smsApi;
  private static FakeSmsc smsc;
  private static TestPipeline pipeline;
  private static Http http;

  @BeforeAll
  static void start() throws Exception {
    smsApi = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    smsApi.createContext(
        "/sms",
        exchange -> {
          JsonNode body = Json.MAPPER.readTree(exchange.getRequestBody());
          String to = body.get("to").asText();
          HTTP_RECEIVED.add(new Received(to, body.get("text").asText(), Instant.now()));
          int status = REFUSED.contains(to) ? 400 : DOWN.contains(to) ? 503 : 200;
          byte[] answer =
              ("{\"id\":\"http-" + HTTP_RECEIVED.size() + "\"}").getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(status, answer.length);
          exchange.getResponseBody().write(answer);
          exchange.close();
        });
    smsApi.start();
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    smsc = new FakeSmsc(port);
    smsc.listen();

    HttpSmsProvider primary =
        new HttpSmsProvider(
            HttpSmsSettings.fromEnv(
                Map.of(
                    "OTP_SMS_HTTP_URL",
                    "http://127.0.0.1:" + smsApi.getAddress().getPort() + "/sms",
                    "OTP_SMS_HTTP_BODY_TEMPLATE",
                    "{\"to\":\"{{to}}\",\"from\":\"{{from}}\",\"text\":\"{{text}}\"}"),
                "OTP_SMS_HTTP_"));
    SmppProvider fallback = FakeSmscLogin.bound(port);
    Outbox outbox = TestPipeline.newOutbox();
    pipeline =
        TestPipeline.start(
            "sms",
            new FallbackProvider(primary, fallback, Clock.systemUTC()),
            new OutboxProvider(outbox, "email", Clock.systemUTC()));
    http = new Http(pipeline.baseUrl());
  }

  @AfterAll
  static void stop() {
    if (pipeline != null) {
      pipeline.close();
    }
    smsc.close();
    smsApi.stop(0);
  }

  private static String send(String phone) {
    Http.Response r =
        http.postJson(
            "/api/v1/otp/send",
            pipeline.liveKey,
            Map.of("channels", List.of("sms"), "recipients", Map.of("sms", phone)));
    assertEquals(200, r.status(), r.raw());
    return r.json().get("data").get("session_token").asText();
  }

  private static boolean verify(String token, String code) {
    Http.Response r =
        http.postJson(
            "/api/v1/otp/verify",
            pipeline.liveKey,
            Map.of("session_token", token, "otps", Map.of("sms", code)));
    assertEquals(200, r.status(), r.raw());
    return r.json().get("data").get("verified").asBoolean();
  }

  private static String code(String text) {
    Matcher m = CODE.matcher(text);
    assertTrue(m.find(), "no code in the message");
    return m.group(1);
  }

  private static List<DeliveryStatus> statuses(String destinationSession) {
    var deserializer = pipeline.kafka.topics().deliveryStatus.valueSerde().deserializer();
    return TopicReader.readAll(
            SharedKafka.bootstrapServers(), pipeline.kafka.topics().deliveryStatus.name())
        .stream()
        .map(r -> deserializer.deserialize(r.topic(), r.value()))
        .filter(s -> s.getSessionId().equals(destinationSession))
        .toList();
  }

  @Test
  @Order(1)
  void a_code_sent_through_the_http_provider_verifies() {
    String token = send("+33612340001");
    Received got =
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () -> HTTP_RECEIVED.stream().filter(r -> r.to().equals("+33612340001")).findFirst(),
                java.util.Optional::isPresent)
            .get();
    assertTrue(verify(token, code(got.text())));
  }

  @Test
  @Order(2)
  void a_primary_that_refuses_makes_the_smsc_deliver_and_its_receipt_is_recorded_on_the_session() {
    REFUSED.add("+33612340002");
    String token = send("+33612340002");
    FakeSmsc.Submitted submitted =
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () ->
                    smsc.submits.stream()
                        .filter(s -> s.sm().getDestAddress().equals("33612340002"))
                        .findFirst(),
                java.util.Optional::isPresent)
            .get();
    assertTrue(
        HTTP_RECEIVED.stream().anyMatch(r -> r.to().equals("+33612340002")),
        "the primary was tried first");
    String text = new String(submitted.sm().getShortMessage(), StandardCharsets.ISO_8859_1);
    assertTrue(verify(token, code(text)), "the code the SMSC got verifies");

    List<DeliveryStatus> seen = DeliveredStatuses.awaitDelivered(() -> statuses(sessionOf(token)));
    DeliveryStatus sent =
        seen.stream().filter(s -> s.getState() == DeliveryState.SENT).findFirst().orElseThrow();
    assertEquals("smpp", sent.getProvider(), "the status names the provider that sent");
    assertEquals(submitted.id(), sent.getProviderMessageId());
    var events = pipeline.kafka.topics().events.valueSerde().deserializer();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                TopicReader.readAll(
                        SharedKafka.bootstrapServers(), pipeline.kafka.topics().events.name())
                    .stream()
                    .map(r -> events.deserialize(r.topic(), r.value()))
                    .anyMatch(
                        e ->
                            e.getType() == io.otpstream.schemas.audit.AuditType.DELIVERY_STATUS
                                && sessionOf(token).equals(e.getSessionId())
                                && e.getDetail().startsWith("sms DELIVERED via smpp")));
  }

  @Test
  @Order(3)
  void a_provider_down_past_the_codes_expiry_never_sends_it_late() throws Exception {
    String phone = "+33612340003";
    String sessionId = "ses_late";
    String deliveryId = sessionId + ":0:sms";
    DOWN.add(phone);
    smsc.refusals.put(
        "33612340003", org.jsmpp.SMPPConstant.STAT_ESME_RTHROTTLED); // both providers down for it
    // The pipeline retries after 0.5, 1, 2 and 4 s: the fourth attempt (~3.5 s) is the last before
    // a
    // 7 s expiry, with seconds to spare on both sides, and the fifth (~7.5 s) would come after it.
    Instant expiresAt = Instant.now().plusSeconds(7);
    DeliveryRequested d =
        DeliveryRequested.newBuilder()
            .setDeliveryId(deliveryId)
            .setSessionId(sessionId)
            .setSubjectId("sub_late")
            .setAppId(pipeline.appId)
            .setChannel(Channel.SMS)
            .setDestination(new SealedDestinations(pipeline.secrets).seal(pipeline.appId, phone))
            .setGeneration(0)
            .setOtpLength(6)
            .setRequestedAt(Instant.now())
            .setExpiresAt(expiresAt)
            .build();
    try (KafkaProducer<String, DeliveryRequested> producer =
        new KafkaProducer<>(
            pipeline.kafka.clientProperties(),
            new StringSerializer(),
            pipeline.kafka.topics().deliverySms.valueSerde().serializer())) {
      producer
          .send(new ProducerRecord<>(pipeline.kafka.topics().deliverySms.name(), "sub_late", d))
          .get();
    }
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> statuses(sessionId),
            l -> l.stream().anyMatch(s -> s.getState() != DeliveryState.RETRYING));
    DOWN.remove(phone);
    smsc.refusals.remove("33612340003"); // the providers come back while the code is still valid

    // past the expiry, with the providers up, until the dispatcher has handled every delivery and
    // retry written
    try (Admin admin = Admin.create(pipeline.kafka.clientProperties())) {
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  Instant.now().isAfter(expiresAt)
                      && ConsumerGroups.caughtUp(
                          admin,
                          pipeline.kafka.topics().prefix() + SmsDispatcher.GROUP_ID,
                          List.of(
                              pipeline.kafka.topics().deliverySms,
                              pipeline.kafka.topics().deliverySmsRetry)));
    }
    List<Instant> http =
        HTTP_RECEIVED.stream().filter(r -> r.to().equals(phone)).map(Received::at).toList();
    List<Instant> smpp =
        smsc.submits.stream()
            .filter(s -> s.sm().getDestAddress().equals("33612340003"))
            .map(FakeSmsc.Submitted::at)
            .toList();
    assertFalse(http.isEmpty(), "the HTTP provider was tried");
    assertFalse(smpp.isEmpty(), "the SMSC was tried");
    assertTrue(
        http.stream().allMatch(t -> t.isBefore(expiresAt)),
        "no attempt after " + expiresAt + " at the HTTP provider: " + http);
    assertTrue(
        smpp.stream().allMatch(t -> t.isBefore(expiresAt)),
        "no attempt after " + expiresAt + " at the SMSC: " + smpp);

    List<DeliveryStatus> seen = statuses(sessionId);
    List<DeliveryState> states = seen.stream().map(DeliveryStatus::getState).toList();
    assertTrue(states.stream().noneMatch(s -> s == DeliveryState.SENT), "never sent: " + states);
    assertEquals(
        1,
        states.stream().filter(s -> s == DeliveryState.DEAD_LETTERED).count(),
        "dead-lettered once: " + states);
    assertEquals(
        DeliveryState.DEAD_LETTERED,
        states.get(states.size() - 1),
        "nothing after the dead letter: " + states);
    assertTrue(
        states.contains(DeliveryState.RETRYING),
        "transient failures were retried first: " + states);
    assertTrue(
        seen.stream().allMatch(s -> s.getOccurredAt().isBefore(expiresAt)),
        "every outcome before the expiry: " + seen);

    var dlq = pipeline.kafka.topics().deliveryDeadLetter;
    List<DeliveryRequested> deadLetters =
        TopicReader.readAll(SharedKafka.bootstrapServers(), dlq.name()).stream()
            .map(r -> dlq.valueSerde().deserializer().deserialize(r.topic(), r.value()))
            .filter(l -> l.getDeliveryId().equals(deliveryId) && l.getSessionId().equals(sessionId))
            .toList();
    assertEquals(1, deadLetters.size(), "the delivery is on the dead-letter topic, once");
  }

  /** The session id inside a Sendmator token (an HS256 JWT we signed). */
  private static String sessionOf(String token) {
    try {
      return com.nimbusds.jwt.SignedJWT.parse(token).getJWTClaimsSet().getStringClaim("sid");
    } catch (java.text.ParseException e) {
      throw new IllegalStateException(e);
    }
  }
}
