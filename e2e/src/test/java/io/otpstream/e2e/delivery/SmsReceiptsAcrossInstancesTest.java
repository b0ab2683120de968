package io.otpstream.e2e.delivery;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.otpstream.dispatcher.provider.OutboxProvider;
import io.otpstream.dispatcher.sms.SmsDispatcher;
import io.otpstream.dispatcher.sms.smpp.FakeSmsc;
import io.otpstream.dispatcher.sms.smpp.SmppProvider;
import io.otpstream.e2e.support.Http;
import io.otpstream.e2e.support.SharedKafka;
import io.otpstream.e2e.support.TestPipeline;
import io.otpstream.e2e.support.TopicReader;
import io.otpstream.schemas.delivery.DeliveryState;
import io.otpstream.schemas.delivery.DeliveryStatus;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two SMS dispatchers bound to one SMSC (jSMPP's server side) that sends each delivery receipt back
 * on the other dispatcher's session, not on the one the message went out on: the receipt is still
 * matched, and the delivery's status reaches DELIVERED.
 */
class SmsReceiptsAcrossInstancesTest {
  private static FakeSmsc smsc;
  private static TestPipeline pipeline;
  private static SmsDispatcher second;
  private static Http http;

  @BeforeAll
  static void start() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    smsc = new FakeSmsc(port);
    smsc.receiptsOnAnotherSession = true;
    smsc.listen();
    SmppProvider first = FakeSmscLogin.provider(port);
    SmppProvider other = FakeSmscLogin.provider(port);
    assertTrue(first.awaitBound(Duration.ofSeconds(10)), "the first dispatcher is bound");
    assertTrue(other.awaitBound(Duration.ofSeconds(10)), "the second dispatcher is bound");
    pipeline =
        TestPipeline.start(
            "receipts",
            first,
            new OutboxProvider(TestPipeline.newOutbox(), "email", Clock.systemUTC()));
    second = new SmsDispatcher(pipeline.kafka, pipeline.secrets, other, Clock.systemUTC());
    second.start();
    await().atMost(Duration.ofSeconds(60)).until(second::ready);
    http = new Http(pipeline.baseUrl());
  }

  @AfterAll
  static void stop() {
    if (second != null) {
      second.close();
    }
    if (pipeline != null) {
      pipeline.close();
    }
    smsc.close();
  }

  @Test
  void a_receipt_answered_on_the_other_dispatchers_session_marks_the_delivery_delivered() {
    Http.Response sent =
        http.postJson(
            "/api/v1/otp/send",
            pipeline.liveKey,
            Map.of("channels", List.of("sms"), "recipients", Map.of("sms", "+33612340071")));
    assertEquals(200, sent.status(), sent.raw());
    String sessionId = sent.json().get("data").get("session_id").asText();
    FakeSmsc.Submitted submitted =
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () ->
                    smsc.submits.stream()
                        .filter(s -> s.sm().getDestAddress().equals("33612340071"))
                        .findFirst(),
                java.util.Optional::isPresent)
            .get();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> smsc.receiptAcks.stream().anyMatch(a -> a.startsWith(submitted.id() + ":")));

    List<DeliveryStatus> seen = DeliveredStatuses.awaitDelivered(() -> statuses(sessionId));
    DeliveryStatus delivered = DeliveredStatuses.delivered(seen);
    assertEquals(submitted.id(), delivered.getProviderMessageId());
    assertEquals("smpp", delivered.getProvider());
    assertEquals(
        1,
        seen.stream().filter(s -> s.getState() == DeliveryState.DELIVERED).count(),
        "one receipt, one DELIVERED: " + seen);
  }

  private static List<DeliveryStatus> statuses(String sessionId) {
    var statuses = pipeline.kafka.topics().deliveryStatus;
    return TopicReader.readAll(SharedKafka.bootstrapServers(), statuses.name()).stream()
        .map(r -> statuses.valueSerde().deserializer().deserialize(r.topic(), r.value()))
        .filter(s -> s.getSessionId().equals(sessionId))
        .toList();
  }
}
